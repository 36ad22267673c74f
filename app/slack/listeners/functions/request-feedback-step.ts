import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { AutomaticInput } from '../../../services/automatic-requests.js';
import type { Services } from '../../dependencies.js';

/** The step's inputs by the names the API gives them; the others are named alike. */
const INPUT_NAME: Record<string, string> = { external_id: 'ticket', question_variant_id: 'question' };

/**
 * The Workflow Builder step "Request Twitter feedback": an automatic request like the API's,
 * under the same policy. Inputs Slack could not have checked are refused at once, naming the
 * step's fields; otherwise the step ends when the request is settled, by whichever instance
 * settles it (see tellAutomatic), so a delay or a restart in between loses nothing.
 */
export function requestFeedbackStep(services: Services) {
  return async ({
    inputs,
    event,
    body,
    fail,
  }: SlackEventMiddlewareArgs<'function_executed'> & AllMiddlewareArgs): Promise<void> => {
    const given = inputs as Record<string, unknown>;
    const input: AutomaticInput = {
      customer: given.customer as string,
      ...(given.ticket !== undefined ? { external_id: given.ticket as string } : {}),
      ...(given.type !== undefined && given.type !== '' ? { type: given.type as string } : {}),
      ...(given.question !== undefined && given.question !== null ? { question_variant_id: given.question as number } : {}),
      ...(given.message !== undefined && given.message !== '' ? { message: given.message as string } : {}),
      ...(given.test !== undefined ? { test: given.test as boolean } : {}),
    };
    const teamId = (body as { team_id?: string }).team_id ?? '';
    const submitted = await services.automatic.submit(teamId, input, {
      source: 'workflow',
      execution: event.function_execution_id,
    });
    if (submitted.ok) return;
    const problems = Object.entries(submitted.errors).map(([field, problem]) => `${INPUT_NAME[field] ?? field}: ${problem}`);
    await fail({ error: `Nothing was sent. Correct the step's inputs in Workflow Builder. ${problems.join(' ')}` });
  };
}
