import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import { DAY_MS } from '../domain/limits.js';
import { questionText } from '../domain/variants.js';
import type { SendResult } from '../services/feedback-relay.js';
import type { Services } from './services.js';
import { outcomeBlocks, outcomeText } from './user-interface/outcome.js';

/**
 * Sends left pending by a process that stopped mid-way (a crash, a kill) are settled as
 * unknown, never sent again by themselves, and their agents are told, with "Send again".
 * A claim per record makes one instance do it when several share the store.
 */
export async function reconcile(
  services: Services,
  clientFor: (teamId: string) => Promise<WebClient>,
  logger: Logger,
  graceMs: number,
): Promise<number> {
  let settled = 0;
  for (const record of await services.log.pending(graceMs)) {
    if (!(await services.claim(`reconcile:${record.team_id}:${record.id}`, DAY_MS))) continue;
    const account = await services.accounts.forWorkspace(record.team_id, record.account_id);
    const { request, recipient } = record;
    const result: SendResult = {
      status: 'unknown',
      request,
      recipient,
      question: questionText(request.type, request.question_variant_id, request.display_name ?? account?.name ?? ''),
      explanation: {
        reason: 'The app stopped while sending this request, so it is not known whether the customer got it.',
        action: "Check the business account's Direct Messages; if the request is not there, use Send again.",
      },
    };
    await services.log.settle(record, result);
    settled++;
    const told = await services.respond(record.response_url, result, { resendId: record.id }).catch(() => false);
    if (told) continue;
    try {
      const client = await clientFor(record.team_id);
      await client.chat.postMessage({ channel: record.agent_id, text: outcomeText(result), blocks: outcomeBlocks(result, record.id) });
    } catch (error) {
      logger.warn(`Could not tell an agent about an interrupted send: ${(error as Error).message}`);
    }
  }
  return settled;
}
