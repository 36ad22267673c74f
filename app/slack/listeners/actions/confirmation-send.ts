import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { admit } from '../../admit.js';
import { deliver } from '../../deliver.js';
import type { Services } from '../../services.js';
import { slackDirectory } from '../../directory.js';
import { NOT_ALLOWED, NO_ACCOUNT } from '../../user-interface/notices.js';
import { escapeMrkdwn } from '../../user-interface/text.js';

/** Send on a one-line command's confirmation: the same gate and path as the modal. */
export function confirmationSend(services: Services) {
  return async ({ ack, body, action, client, logger, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const id = action.value ?? '';
    const pending = await services.confirmations.load(teamId, id);
    if (!pending || pending.user_id !== body.user.id) {
      await respond({ replace_original: true, text: 'This confirmation has expired, so nothing was sent. Run `/feedback` again.' });
      return;
    }
    const admission = await admit(services, slackDirectory(client, teamId, services.groups), {
      teamId,
      userId: body.user.id,
      raw: pending.draft,
      key: `confirmation:${id}`,
    });
    switch (admission.kind) {
      case 'forbidden':
        await respond({ replace_original: true, text: NOT_ALLOWED.text });
        return;
      case 'invalid': {
        const problems = Object.entries(admission.errors).map(([field, message]) => `• ${field}: ${escapeMrkdwn(message)}`);
        await respond({ replace_original: false, text: `Nothing was sent. Use *Edit* to fix:\n${problems.join('\n')}` });
        return;
      }
      case 'no_account':
        await respond({ replace_original: true, text: NO_ACCOUNT.text });
        return;
      case 'duplicate':
        return;
      case 'refused':
        await respond({ replace_original: false, text: `Nothing was sent. ${escapeMrkdwn(admission.refusal.message)}` });
        return;
      case 'ready':
        await respond({ replace_original: true, text: ':hourglass_flowing_sand: Sending…' });
        await deliver(services, client, logger, admission.sending, {
          user_id: body.user.id,
          response_url: body.response_url,
          replace_original: true,
        });
    }
  };
}
