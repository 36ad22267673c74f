import { deliver } from '../../deliver.js';
import type { Services } from '../../dependencies.js';
import { slackDirectory } from '../../directory.js';
import { admissionNotice } from '../../user-interface/admission.js';
import { escapeMrkdwn } from '../../user-interface/text.js';
import type { ButtonArgs } from './button-args.js';

/** Send on a one-line command's confirmation: the same gate and path as the modal. */
export function confirmationSend(services: Services) {
  return async ({ ack, body, action, client, logger, respond }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const id = action.value ?? '';
    const pending = await services.confirmations.load(teamId, id);
    if (!pending || pending.user_id !== body.user.id) {
      await respond({
        replace_original: true,
        text: 'This confirmation has expired, so nothing was sent. Run `/feedback` again.',
      });
      return;
    }
    const admission = await services.requests.admit({
      teamId,
      agentId: body.user.id,
      directory: slackDirectory(client, teamId, services.groups),
      draft: pending.draft,
      key: `confirmation:${id}`,
    });
    if (admission.kind === 'duplicate') return;
    if (admission.kind !== 'ready') {
      const notice = admissionNotice(admission);
      // The confirmation stays for Edit, or for a later try, whenever they can help.
      await respond({
        replace_original: !notice.retry,
        text: `${escapeMrkdwn(notice.text)}${admission.kind === 'invalid' ? '\nUse *Edit* to fix it.' : ''}`,
      });
      return;
    }
    await respond({ replace_original: true, text: ':hourglass_flowing_sand: Sending…' });
    await deliver(services, client, logger, admission.sending, {
      agentId: body.user.id,
      responseUrl: body.response_url,
      replaceOriginal: true,
    });
  };
}
