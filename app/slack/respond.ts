import fetch from 'node-fetch';
import type { SendResult } from '../services/feedback-relay.js';
import { outcomeBlocks, outcomeText } from './user-interface/outcome.js';

/**
 * Posts an outcome to a command's response_url, which reaches the agent even in
 * channels the app is not a member of. Only Slack's own hosts are accepted, so a
 * crafted URL can never make the app post elsewhere.
 */
export function responder(slackApiUrl: string, timeoutMs = 5000) {
  const allowed = new Set(['https://hooks.slack.com', new URL(slackApiUrl).origin]);
  return async (responseUrl: string | undefined, result: SendResult): Promise<void> => {
    if (!responseUrl) return;
    let origin: string;
    try {
      origin = new URL(responseUrl).origin;
    } catch {
      return;
    }
    if (!allowed.has(origin)) return;
    const answer = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: false,
        text: outcomeText(result),
        blocks: outcomeBlocks(result),
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!answer.ok) throw new Error(`response_url answered HTTP ${answer.status}`);
  };
}
