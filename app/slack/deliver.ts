import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { SendResult } from '../services/feedback-relay.js';
import type { Sending } from '../services/feedback-requests.js';
import type { Services } from './dependencies.js';
import {
  notInChannelNote,
  outcomeBlocks,
  outcomeText,
  outcomeView,
  threadBlocks,
  threadText,
} from './user-interface/send-outcome.js';

/** Where the agent started, and so where the outcome must show up. */
export interface Surfaces {
  /** The agent who sent it. */
  agentId: string;
  /** A modal to turn into the outcome. */
  viewId?: string;
  /** A command's or shortcut's response_url: reaches the agent privately anywhere. */
  responseUrl?: string;
  /** The response_url's message (a confirmation) gives way to the outcome. */
  replaceOriginal?: boolean;
  /** A ticket thread that gets the outcome as a reply. */
  thread?: { channelId: string; threadTs: string };
}

const NOT_A_MEMBER = new Set(['not_in_channel', 'channel_not_found']);

/**
 * Sends what was let through, then shows the outcome on every surface the agent started
 * from. A surface that fails never hides the outcome: the agent is told privately instead.
 */
export async function deliver(
  services: Services,
  client: WebClient,
  logger: Logger,
  sending: Sending,
  surfaces: Surfaces,
): Promise<SendResult> {
  const thread = surfaces.thread && { channel_id: surfaces.thread.channelId, thread_ts: surfaces.thread.threadTs };
  const { result, resendId } = await services.requests.send(sending, surfaces.responseUrl, thread);
  const shown = await Promise.allSettled([
    surfaces.viewId
      ? client.views.update({ view_id: surfaces.viewId, view: outcomeView(result, resendId) }).then(() => true)
      : false,
    surfaces.thread
      ? postInThread(services, client, result, surfaces, surfaces.thread)
      : services.respond(surfaces.responseUrl, result, { replace: surfaces.replaceOriginal, resendId }),
  ]);
  for (const failure of shown) {
    if (failure.status === 'rejected') logger.warn(`Could not show a feedback outcome: ${(failure.reason as Error).message}`);
  }
  if (!shown.some((s) => s.status === 'fulfilled' && s.value)) {
    // Every surface failed (an expired view, a dead response_url): the app's DM still reaches the agent.
    await client.chat
      .postMessage({ channel: surfaces.agentId, text: outcomeText(result), blocks: outcomeBlocks(result, resendId) })
      .catch((error: Error) => logger.warn(`Could not tell the agent a feedback outcome: ${error.message}`));
  }
  return result;
}

async function postInThread(
  services: Services,
  client: WebClient,
  result: SendResult,
  surfaces: Surfaces,
  { channelId, threadTs }: NonNullable<Surfaces['thread']>,
): Promise<boolean> {
  try {
    await client.chat.postMessage({
      channel: channelId,
      thread_ts: threadTs,
      text: threadText(result, surfaces.agentId),
      blocks: threadBlocks(result, surfaces.agentId),
      unfurl_links: false,
    });
    return true;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (!code || !NOT_A_MEMBER.has(code)) throw error;
    return services.respond(surfaces.responseUrl, result, { note: notInChannelNote(channelId) });
  }
}
