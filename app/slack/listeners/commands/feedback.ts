import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseCommand, USAGE } from '../../../domain/command-args.js';
import { checkDraft } from '../../../domain/feedback-request.js';
import type { Services } from '../../dependencies.js';
import { openFeedbackModal, withDefaults } from '../../open-modal.js';
import { confirmationMessage } from '../../user-interface/confirmation.js';
import { admissionNotice } from '../../user-interface/admission.js';
import { slackDirectory } from '../../directory.js';
import { parsePeriod } from '../../../domain/export-period.js';
import { isAdmin } from '../../../services/permissions.js';
import { exportAnswers, maySeeAnswers } from '../../export-answers.js';
import {
  exportStarted,
  forgetDone,
  forgetFailed,
  forgetStarted,
  NOT_ADMIN_FORGET,
  NOT_SUPERVISOR,
} from '../../user-interface/records.js';

/**
 * `/feedback [words]`: help, a usage hint, the modal (prefilled with the words), or, when
 * the words and the workspace's defaults make a complete request, a confirmation.
 */
export function feedbackCommand(services: Services) {
  return async ({ ack, body, client, logger }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const settings = await services.settings.forWorkspace(body.team_id);
    const args = parseCommand(body.text ?? '', { ticketPattern: settings.ticket_pattern });
    if (args.kind === 'help' || args.kind === 'usage') {
      await ack({ response_type: 'ephemeral', text: args.kind === 'help' ? USAGE : args.problem });
      return;
    }
    if (args.kind === 'export') {
      const period = parsePeriod(args.period, Date.now());
      if (!period.ok) {
        await ack({ response_type: 'ephemeral', text: period.problem });
        return;
      }
      if (!(await maySeeAnswers(services, client, body.team_id, body.user_id))) {
        await ack({ response_type: 'ephemeral', text: NOT_SUPERVISOR.text });
        return;
      }
      await ack({ response_type: 'ephemeral', text: exportStarted(period.period) });
      await exportAnswers(services, client, { teamId: body.team_id, userId: body.user_id }, period.period, logger);
      return;
    }
    if (args.kind === 'forget') {
      if (!(await isAdmin(settings, body.user_id, slackDirectory(client, body.team_id, services.groups)))) {
        await ack({ response_type: 'ephemeral', text: NOT_ADMIN_FORGET });
        return;
      }
      await ack({ response_type: 'ephemeral', text: forgetStarted(args.customer) });
      const done = await services.keeping.forget(body.team_id, args.customer, settings.retention_days).then(
        (removed) => forgetDone(args.customer, removed),
        (error: Error) => {
          logger.warn(`Could not forget a customer in workspace ${body.team_id}: ${error.message}`);
          return forgetFailed(args.customer);
        },
      );
      await services.say(body.response_url, done);
      return;
    }
    const draft = args.kind === 'prefill' ? args.draft : {};
    const checked = checkDraft(withDefaults(draft, settings));
    // A question the agent named that does not exist is said, not silently swapped for another.
    if (draft.question_variant_id !== undefined && !checked.ok && checked.errors.question_variant_id) {
      await ack({ response_type: 'ephemeral', text: `${checked.errors.question_variant_id}\n\n${USAGE}` });
      return;
    }
    const complete = draft.type && draft.to_user_id && draft.message ? checked : undefined;
    if (complete?.ok) {
      const start = await services.requests.mayStart(
        {
          teamId: body.team_id,
          agentId: body.user_id,
          directory: slackDirectory(client, body.team_id, services.groups),
        },
        settings,
      );
      if (start.kind !== 'ok') {
        await ack({ response_type: 'ephemeral', text: admissionNotice(start).text });
        return;
      }
      const id = await services.confirmations.save(body.team_id, {
        user_id: body.user_id,
        draft: withDefaults(draft, settings),
        channel_id: body.channel_id,
        response_url: body.response_url,
      });
      await ack({ response_type: 'ephemeral', ...confirmationMessage(complete.value, start.account.name, id) });
      return;
    }
    await ack();
    await openFeedbackModal(services, client, {
      trigger_id: body.trigger_id,
      team_id: body.team_id,
      user_id: body.user_id,
      prefill: () => ({ draft }),
      settings,
      context: { channel_id: body.channel_id, response_url: body.response_url },
    });
  };
}
