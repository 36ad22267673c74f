import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { toRawDraft } from '../../../domain/feedback-request.js';
import { admit } from '../../admit.js';
import { deliver } from '../../deliver.js';
import { slackDirectory } from '../../directory.js';
import type { Services } from '../../services.js';
import { messageView } from '../../user-interface/outcome.js';
import { escapeMrkdwn } from '../../user-interface/text.js';

const NOT_AGAIN = 'This request cannot be sent again from here: it is not yours, or its outcome is already known.';

/**
 * "Send again" on an outcome nobody could confirm: the agent checked the business's DMs
 * and asks for it explicitly. It passes the same gate as any submission, once; its limit
 * places are given back only once it is let through.
 */
export function resend(services: Services) {
  return async ({ ack, body, action, client, logger, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const viewId = body.view?.id;
    const tell = (text: string) =>
      viewId
        ? client.views.update({ view_id: viewId, view: messageView('Ask for feedback', text) })
        : respond({ replace_original: false, text: escapeMrkdwn(text) });
    const record = await services.log.get(teamId, action.value ?? '');
    if (!record || record.agent_id !== body.user.id || record.status !== 'unknown') {
      await tell(NOT_AGAIN);
      return;
    }
    const admission = await admit(services, slackDirectory(client, teamId, services.groups), {
      teamId,
      userId: body.user.id,
      raw: toRawDraft(record.request),
      key: `resend:${record.id}`,
      accountId: record.account_id,
      releasing: record.reservation,
    });
    if (admission.kind === 'duplicate') return;
    if (admission.kind !== 'ready') {
      await tell(
        admission.kind === 'refused'
          ? `Nothing was sent. ${admission.refusal.message}`
          : 'Nothing was sent: open a new form with `/feedback` and check its fields.',
      );
      return;
    }
    await deliver(services, client, logger, admission.sending, {
      user_id: body.user.id,
      view_id: viewId,
      response_url: viewId ? undefined : body.response_url,
      replace_original: true,
    });
  };
}
