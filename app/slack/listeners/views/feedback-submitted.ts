import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { deliver } from '../../deliver.js';
import type { Services } from '../../dependencies.js';
import { slackDirectory } from '../../directory.js';
import { readContext, readForm, readSendAs } from '../../user-interface/feedback-modal.js';
import { admissionNotice } from '../../user-interface/admission.js';
import { STALE_FORM } from '../../user-interface/notices.js';
import { messageView, sendingView } from '../../user-interface/send-outcome.js';

export function feedbackSubmitted(services: Services) {
  return async ({ ack, body, view, client, logger }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const teamId = body.team?.id ?? '';
    const context = readContext(view.private_metadata);
    // private_metadata comes back from Slack, but a form opened for one workspace must
    // never act for another.
    if (!context || context.team_id !== teamId) {
      await ack({ response_action: 'update', view: messageView(STALE_FORM.title, STALE_FORM.text) });
      return;
    }
    // Slack always sends the form's state; a payload without it reads as an empty form.
    const values = view.state?.values;
    const admission = await services.requests.admit({
      teamId,
      agentId: body.user.id,
      directory: slackDirectory(client, teamId, services.groups),
      draft: readForm(values),
      key: view.id,
      accountId: readSendAs(values),
    });
    if (admission.kind === 'duplicate') {
      await ack();
      return;
    }
    if (admission.kind !== 'ready') {
      const notice = admissionNotice(admission);
      await ack(
        notice.errors
          ? { response_action: 'errors', errors: notice.errors }
          : { response_action: 'update', view: messageView(notice.title, notice.text) },
      );
      return;
    }
    const { sending } = admission;
    await ack({ response_action: 'update', view: sendingView(sending.prepared.request, sending.prepared.recipient) });
    await deliver(services, client, logger, sending, {
      agentId: body.user.id,
      viewId: view.id,
      responseUrl: context.response_url,
      thread:
        context.channel_id && context.thread_ts ? { channelId: context.channel_id, threadTs: context.thread_ts } : undefined,
    });
  };
}
