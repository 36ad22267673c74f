import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Services } from '../../services.js';
import { openFeedbackModal } from '../../open-modal.js';

export function feedbackCommand(services: Services) {
  return async ({ ack, body, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    await openFeedbackModal(services, client, {
      trigger_id: body.trigger_id,
      team_id: body.team_id,
      context: { channel_id: body.channel_id, response_url: body.response_url },
    });
  };
}
