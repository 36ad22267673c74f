import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseCommand, USAGE } from '../../../domain/command-args.js';
import { checkDraft } from '../../../domain/feedback-request.js';
import type { Services } from '../../services.js';
import { openFeedbackModal, withDefaults } from '../../open-modal.js';
import { confirmationMessage } from '../../user-interface/confirmation.js';
import { NOT_ALLOWED, NO_ACCOUNT } from '../../user-interface/notices.js';
import { maySend } from '../../../services/permissions.js';
import { slackDirectory } from '../../directory.js';

/**
 * `/feedback [words]`: help, a usage hint, the modal (prefilled with the words), or, when
 * the words and the workspace's defaults make a complete request, a confirmation.
 */
export function feedbackCommand(services: Services) {
  return async ({ ack, body, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const settings = await services.settings.forWorkspace(body.team_id);
    const args = parseCommand(body.text ?? '', { ticketPattern: settings.ticket_pattern });
    if (args.kind === 'help' || args.kind === 'usage') {
      await ack({ response_type: 'ephemeral', text: args.kind === 'help' ? USAGE : args.problem });
      return;
    }
    const draft = args.kind === 'prefill' ? args.draft : {};
    const complete = draft.type && draft.to_user_id && draft.message ? checkDraft(withDefaults(draft, settings)) : undefined;
    if (complete?.ok) {
      if (!(await maySend(settings, body.user_id, slackDirectory(client, body.team_id, services.groups)))) {
        await ack({ response_type: 'ephemeral', text: NOT_ALLOWED.text });
        return;
      }
      const account = await services.accounts.forWorkspace(body.team_id);
      if (!account) {
        await ack({ response_type: 'ephemeral', text: NO_ACCOUNT.text });
        return;
      }
      const id = await services.confirmations.save(body.team_id, {
        user_id: body.user_id,
        draft: withDefaults(draft, settings),
        channel_id: body.channel_id,
        response_url: body.response_url,
      });
      await ack({ response_type: 'ephemeral', ...confirmationMessage(complete.value, account.name, id) });
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
