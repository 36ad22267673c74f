import { parsePeriod } from '../../../domain/export-period.js';
import type { Services } from '../../dependencies.js';
import { exportAnswers, maySeeAnswers } from '../../export-answers.js';
import { exportStarted, NOT_SUPERVISOR } from '../../user-interface/records.js';
import { messageView } from '../../user-interface/send-outcome.js';
import type { ButtonArgs } from './button-args.js';

/** Results' Export CSV button: its value is the period shown, 7d, 30d or 90d. */
export function resultsExport(services: Services) {
  return async ({ ack, body, action, client, logger }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const period = parsePeriod(action.value ?? '', Date.now());
    // The page may have been opened by someone who is no longer a supervisor, or the click forged.
    if (!period.ok || !(await maySeeAnswers(services, client, teamId, body.user.id))) {
      const view = period.ok
        ? messageView(NOT_SUPERVISOR.title, NOT_SUPERVISOR.text)
        : messageView('Not exported', period.problem);
      await client.views.open({ trigger_id: body.trigger_id, view });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: messageView('Export CSV', exportStarted(period.period)) });
    await exportAnswers(services, client, { teamId, userId: body.user.id }, period.period, logger);
  };
}
