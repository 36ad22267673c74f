import { openFeedbackModal } from '../../open-modal.js';
import type { Services } from '../../dependencies.js';
import type { ButtonArgs } from './button-args.js';

/** Edit on a one-line command's confirmation: the modal, prefilled with what was typed. */
export function confirmationEdit(services: Services) {
  return async ({ ack, body, action, client, respond }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const pending = await services.confirmations.load(teamId, action.value ?? '');
    if (!pending || pending.user_id !== body.user.id) {
      await respond({ replace_original: true, text: 'This confirmation has expired. Run `/feedback` again.' });
      return;
    }
    await openFeedbackModal(services, client, {
      trigger_id: body.trigger_id,
      team_id: teamId,
      user_id: body.user.id,
      prefill: () => ({ draft: pending.draft }),
      context: { channel_id: pending.channel_id, response_url: pending.response_url },
    });
    await respond({ delete_original: true });
  };
}
