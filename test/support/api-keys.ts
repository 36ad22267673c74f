import type { SimulatedView } from '../simulators/slack.js';
import type { Harness } from './harness.js';
import { blockActionsBody, viewSubmissionBody, type AppResponse } from './slack-requests.js';

/**
 * `userId` clicks Create API key in App Home (`home`, or their own); resolves with the
 * modal Slack opened.
 */
export async function openCreateKey(harness: Harness, userId: string, home?: SimulatedView): Promise<SimulatedView> {
  home ??= await harness.home(userId);
  const since = harness.slack.calls.length;
  await harness.post(
    blockActionsBody(home, {
      blockId: 'api_key_actions',
      actionId: 'home_create_api_key',
      userId,
      triggerId: harness.slack.issueTriggerId(),
    }),
  );
  return (await harness.slack.waitForCall('views.open', (c) => c.seq >= since)).response.view as SimulatedView;
}

/** Submits the name; the answer to Slack updates the modal, or puts an error on the name. */
export function submitKeyName(harness: Harness, modal: SimulatedView, userId: string, name: string | null): Promise<AppResponse> {
  return harness.post(viewSubmissionBody(modal, { userId, values: { api_key_name: name } }));
}

/** The key the modal shows, read from the code block it is in. */
export function shownKey(response: AppResponse): string | undefined {
  const view = (response.json as { view?: SimulatedView } | undefined)?.view;
  const block = view?.blocks.find((b) => b.block_id === 'api_key') as { text?: { text?: string } } | undefined;
  return /```(.+)```/.exec(block?.text?.text ?? '')?.[1];
}

/**
 * An admin creates a key named `name` in App Home, as they would in Slack; resolves with
 * the key once App Home was drawn again with it.
 */
export async function createApiKey(harness: Harness, adminId: string, name = 'Zendesk'): Promise<string> {
  const modal = await openCreateKey(harness, adminId);
  const since = harness.slack.calls.length;
  const key = shownKey(await submitKeyName(harness, modal, adminId, name));
  if (!key) throw new Error('no key was shown');
  await harness.slack.waitForCall('views.publish', (c) => c.seq >= since && c.args.user_id === adminId);
  return key;
}
