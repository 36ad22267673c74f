import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { AutomaticOutcome, AutomaticRequest } from '../services/automatic-requests.js';
import { automaticOutcomeText } from './user-interface/automatic-requests.js';

/** Skipped by the workspace's own policy: the workflow goes on, as nothing failed. */
const DECIDED = new Set(['excluded', 'sampled_out']);

/**
 * Ends the Workflow Builder step a request came from: with its outputs once sent or skipped
 * by the policy, or failed with the reason in plain words, which Slack shows the workflow's
 * owner. The app's own bot token may complete its own functions at any time, so whichever
 * instance settles the request completes the step, even long after the step started.
 */
function completeStep(client: WebClient, execution: string, request: AutomaticRequest): Promise<unknown> {
  if (request.status === 'sent' || (request.status === 'not_sent' && DECIDED.has(request.reason?.code ?? ''))) {
    return client.functions.completeSuccess({
      function_execution_id: execution,
      outputs: { feedback_id: request.feedback_id ?? '', status: request.status },
    });
  }
  return client.functions.completeError({
    function_execution_id: execution,
    error: `The feedback request to ${request.customer} was not sent: ${request.reason?.message ?? request.status}`,
  });
}

/** Tells an automatic request's outcome where it asked: a channel or thread, and the workflow step it came from. */
export function tellAutomatic(clientFor: (teamId: string) => Promise<WebClient>, logger: Logger) {
  return async ({ teamId, request, notify, execution }: AutomaticOutcome): Promise<void> => {
    const client = await clientFor(teamId);
    const told = await Promise.allSettled([
      notify &&
        client.chat.postMessage({
          channel: notify.channel,
          ...(notify.thread_ts ? { thread_ts: notify.thread_ts } : {}),
          text: automaticOutcomeText(request),
          unfurl_links: false,
        }),
      execution && completeStep(client, execution, request),
    ]);
    for (const failure of told) {
      if (failure.status === 'rejected') {
        logger.warn(`Could not tell the outcome of automatic request ${request.id}: ${(failure.reason as Error).message}`);
      }
    }
  };
}
