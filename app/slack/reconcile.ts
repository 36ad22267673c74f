import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { Services } from './dependencies.js';
import { outcomeBlocks, outcomeText } from './user-interface/send-outcome.js';

/**
 * Sends a stopped process left pending are settled as unknown (see
 * FeedbackRequests.settleInterrupted), and their agents are told, with "Send again".
 */
export async function reconcile(
  services: Services,
  clientFor: (teamId: string) => Promise<WebClient>,
  logger: Logger,
  graceMs: number,
): Promise<number> {
  const settled = await services.requests.settleInterrupted(graceMs);
  for (const { record, result } of settled) {
    const told = await services.respond(record.response_url, result, { resendId: record.id }).catch(() => false);
    if (told) continue;
    try {
      const client = await clientFor(record.team_id);
      await client.chat.postMessage({
        channel: record.agent_id,
        text: outcomeText(result),
        blocks: outcomeBlocks(result, record.id),
      });
    } catch (error) {
      logger.warn(`Could not tell an agent about an interrupted send: ${(error as Error).message}`);
    }
  }
  return settled.length;
}
