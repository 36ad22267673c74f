import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { Services } from '../../dependencies.js';
import { openFeedbackModal } from '../../open-modal.js';

/** From anywhere in Slack: the same modal; its outcome shows in the modal itself. */
export function sendFeedbackShortcut(services: Services) {
  return async ({ ack, body, client }: SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    await openFeedbackModal(services, client, {
      trigger_id: body.trigger_id,
      team_id: body.team?.id ?? '',
      user_id: body.user.id,
    });
  };
}
