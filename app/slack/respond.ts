import type { SendResult } from '../services/feedback-relay.js';
import { slackFetch } from './transport.js';
import { noteBlock, outcomeBlocks, outcomeText } from './user-interface/send-outcome.js';

export interface RespondOptions {
  /** Said before the outcome. */
  note?: string;
  /** Replaces the message the response_url belongs to (a confirmation) instead of adding one. */
  replace?: boolean;
  /** Offers "Send again" for this send record, whose outcome nobody could confirm. */
  resendId?: string;
}

/**
 * Posts an outcome to a command's response_url, which reaches the agent even in
 * channels the app is not a member of. Only Slack's own hosts are accepted, so a
 * crafted URL can never make the app post elsewhere.
 */
/**
 * Posts to a command's response_url, which reaches the person even in channels the app is
 * not a member of. Only Slack's own hosts are accepted, so a crafted URL can never make the
 * app post elsewhere. True once Slack took the message; false where there was no usable URL.
 */
function poster(slackApiUrl: string, timeoutMs: number) {
  const allowed = new Set(['https://hooks.slack.com', new URL(slackApiUrl).origin]);
  return async (responseUrl: string | undefined, message: Record<string, unknown>): Promise<boolean> => {
    if (!responseUrl) return false;
    let origin: string;
    try {
      origin = new URL(responseUrl).origin;
    } catch {
      return false;
    }
    if (!allowed.has(origin)) return false;
    const answer = await slackFetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', ...message }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!answer.ok) throw new Error(`response_url answered HTTP ${answer.status}`);
    return true;
  };
}

/** Posts a send's outcome to a command's response_url. */
export function responder(slackApiUrl: string, timeoutMs = 5000) {
  const post = poster(slackApiUrl, timeoutMs);
  return (responseUrl: string | undefined, result: SendResult, options: RespondOptions = {}): Promise<boolean> =>
    post(responseUrl, {
      replace_original: options.replace ?? false,
      text: outcomeText(result),
      blocks: [...(options.note ? [noteBlock(options.note)] : []), ...outcomeBlocks(result, options.resendId)],
    });
}

/** Posts a line of mrkdwn to a command's response_url, privately. */
export function textResponder(slackApiUrl: string, timeoutMs = 5000) {
  const post = poster(slackApiUrl, timeoutMs);
  return (responseUrl: string | undefined, text: string): Promise<boolean> => post(responseUrl, { text });
}
