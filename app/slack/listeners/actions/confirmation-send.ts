import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { checkDraft } from '../../../domain/feedback-request.js';
import { deliver } from '../../deliver.js';
import type { Services } from '../../services.js';
import { NO_ACCOUNT } from '../../user-interface/notices.js';

const CLICK_MEMORY_MS = 24 * 60 * 60 * 1000;

function problems(errors: Record<string, string | undefined>): string {
  return Object.entries(errors)
    .map(([field, message]) => `• ${field}: ${message}`)
    .join('\n');
}

/** Send on a one-line command's confirmation: the same checks and path as the modal. */
export function confirmationSend(services: Services) {
  return async ({ ack, body, action, client, logger, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const pending = await services.confirmations.load(teamId, action.value ?? '');
    if (!pending || pending.user_id !== body.user.id) {
      await respond({ replace_original: true, text: 'This confirmation has expired, so nothing was sent. Run `/feedback` again.' });
      return;
    }
    const checked = checkDraft(pending.draft);
    const account = await services.accounts.forWorkspace(teamId);
    if (!account) {
      await respond({ replace_original: true, text: NO_ACCOUNT.text });
      return;
    }
    const prepared = checked.ok ? await services.relay.prepare(account, checked.value) : checked;
    if (!prepared.ok) {
      await respond({ replace_original: false, text: `Nothing was sent. Use *Edit* to fix:\n${problems(prepared.errors)}` });
      return;
    }
    // A double click, or Slack delivering the click twice, sends once.
    if (!(await services.claim(`confirmation:${teamId}:${action.value}`, CLICK_MEMORY_MS))) return;
    await respond({ replace_original: true, text: ':hourglass_flowing_sand: Sending…' });
    await services.finishing(
      deliver(services, client, logger, account, prepared.value, {
        user_id: body.user.id,
        response_url: body.response_url,
        replace_original: true,
      }),
    );
  };
}
