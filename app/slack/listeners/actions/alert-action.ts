import type { AlertAction } from '../../../domain/alerts.js';
import type { Services } from '../../dependencies.js';
import type { ButtonArgs } from './button-args.js';

/**
 * I'll follow up or Resolved on a low-score alert: anyone in the alert channel may press
 * them, and the message then says who did. The workspace is the payload's, so a click
 * reaches only that workspace's alerts.
 */
export function alertAction(services: Services, action: AlertAction) {
  return async ({ ack, body, action: button }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    if (!services.alerts || !teamId || !button.value) return;
    await services.alerts.act(teamId, button.value, body.user.id, action);
  };
}
