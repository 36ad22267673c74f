import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { admit } from '../../admit.js';
import { deliver } from '../../deliver.js';
import type { Services } from '../../services.js';
import { slackDirectory } from '../../directory.js';
import { readContext, readForm, readSendAs } from '../../user-interface/feedback-modal.js';
import { LIMIT_REACHED, NOT_ALLOWED, NO_ACCOUNT, STALE_FORM } from '../../user-interface/notices.js';
import { messageView, sendingView } from '../../user-interface/outcome.js';

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
    const admission = await admit(services, slackDirectory(client, teamId, services.groups), {
      teamId,
      userId: body.user.id,
      raw: readForm(values),
      key: view.id,
      accountId: readSendAs(values),
    });
    switch (admission.kind) {
      case 'forbidden':
        await ack({ response_action: 'update', view: messageView(NOT_ALLOWED.title, NOT_ALLOWED.text) });
        return;
      case 'invalid':
        await ack({ response_action: 'errors', errors: admission.errors });
        return;
      case 'no_account':
        await ack({ response_action: 'update', view: messageView(NO_ACCOUNT.title, NO_ACCOUNT.text) });
        return;
      case 'duplicate':
        await ack();
        return;
      case 'refused':
        // A customer's limit is about the field the agent can change; the account's is not.
        await ack(
          admission.refusal.rule.startsWith('recipient')
            ? { response_action: 'errors', errors: { to_user_id: admission.refusal.message } }
            : { response_action: 'update', view: messageView(LIMIT_REACHED.title, admission.refusal.message) },
        );
        return;
      case 'ready': {
        const { sending } = admission;
        await ack({ response_action: 'update', view: sendingView(sending.prepared.request, sending.prepared.recipient) });
        await deliver(services, client, logger, sending, {
          user_id: body.user.id,
          view_id: view.id,
          response_url: context.response_url,
          thread:
            context.channel_id && context.thread_ts
              ? { channel_id: context.channel_id, thread_ts: context.thread_ts }
              : undefined,
        });
      }
    }
  };
}
