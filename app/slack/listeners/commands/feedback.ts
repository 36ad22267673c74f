import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Services } from '../../services.js';
import { feedbackModal } from '../../user-interface/feedback-modal.js';
import { messageView } from '../../user-interface/outcome.js';
import { NO_ACCOUNT } from '../../user-interface/notices.js';

export function feedbackCommand(services: Services) {
  return async ({ ack, body, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const account = await services.accounts.forWorkspace(body.team_id);
    const view = account
      ? feedbackModal(
          {
            type: 'csat',
            question_variant_id: 0,
            message: services.defaults.message,
            privacy_url: services.defaults.privacy_url,
            test: false,
          },
          {
            team_id: body.team_id,
            channel_id: body.channel_id,
            response_url: body.response_url,
            business_name: account.name,
          },
        )
      : messageView(NO_ACCOUNT.title, NO_ACCOUNT.text);
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
}
