import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { checkDraft } from '../../../domain/feedback-request.js';
import type { Services } from '../../services.js';
import { readContext, readForm } from '../../user-interface/feedback-modal.js';
import { NO_ACCOUNT, STALE_FORM } from '../../user-interface/notices.js';
import { messageView, sendingView } from '../../user-interface/outcome.js';
import { deliver } from '../../deliver.js';

/** A submission is remembered this long, so Slack's retries and double clicks send once. */
const SUBMISSION_MEMORY_MS = 24 * 60 * 60 * 1000;

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
    const checked = checkDraft(readForm(view.state.values));
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: checked.errors });
      return;
    }
    const account = await services.accounts.forWorkspace(teamId);
    if (!account) {
      await ack({ response_action: 'update', view: messageView(NO_ACCOUNT.title, NO_ACCOUNT.text) });
      return;
    }
    const prepared = await services.relay.prepare(account, checked.value);
    if (!prepared.ok) {
      await ack({ response_action: 'errors', errors: prepared.errors });
      return;
    }
    if (!(await services.claim(`submission:${teamId}:${view.id}`, SUBMISSION_MEMORY_MS))) {
      // The first delivery of this submission is already sending it.
      await ack();
      return;
    }
    await ack({ response_action: 'update', view: sendingView(prepared.value.request, prepared.value.recipient) });
    await services.finishing(
      deliver(services, client, logger, account, prepared.value, {
        user_id: body.user.id,
        view_id: view.id,
        response_url: context.response_url,
        thread:
          context.channel_id && context.thread_ts
            ? { channel_id: context.channel_id, thread_ts: context.thread_ts }
            : undefined,
      }),
    );
  };
}
