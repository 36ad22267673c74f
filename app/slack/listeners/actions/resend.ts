import { deliver } from '../../deliver.js';
import { slackDirectory } from '../../directory.js';
import type { Services } from '../../dependencies.js';
import { admissionNotice } from '../../user-interface/admission.js';
import { messageView } from '../../user-interface/send-outcome.js';
import { escapeMrkdwn } from '../../user-interface/text.js';
import type { ButtonArgs } from './button-args.js';

const NOT_AGAIN = 'This request cannot be sent again from here: it is not yours, or its outcome is already known.';

/** "Send again" on an outcome nobody could confirm; the modal or message it was on shows what follows. */
export function resend(services: Services) {
  return async ({ ack, body, action, client, logger, respond }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const viewId = body.view?.id;
    const tell = (title: string, text: string) =>
      viewId
        ? client.views.update({ view_id: viewId, view: messageView(title, text) })
        : respond({ replace_original: false, text: escapeMrkdwn(text) });
    const agent = { teamId, agentId: body.user.id, directory: slackDirectory(client, teamId, services.groups) };
    const admission = await services.requests.sendAgain(agent, action.value ?? '');
    if (admission.kind === 'duplicate') return;
    if (admission.kind === 'not_again') {
      await tell('Ask for feedback', NOT_AGAIN);
      return;
    }
    if (admission.kind !== 'ready') {
      const notice = admissionNotice(admission);
      // Nothing here can be edited: a fix means a new form.
      await tell(
        notice.title,
        `${notice.text}${admission.kind === 'invalid' ? '\nOpen a new form with `/feedback` to fix it.' : ''}`,
      );
      return;
    }
    await deliver(services, client, logger, admission.sending, {
      agentId: body.user.id,
      viewId,
      responseUrl: viewId ? undefined : body.response_url,
      replaceOriginal: true,
    });
  };
}
