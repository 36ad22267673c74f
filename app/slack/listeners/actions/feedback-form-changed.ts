import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { feedbackModal, formFrom, readContext, readForm, readSendAs } from '../../user-interface/feedback-modal.js';

/** Type, question or display name changed: show the matching questions and preview. */
export async function feedbackFormChanged({
  ack,
  body,
  client,
  logger,
}: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> {
  await ack();
  const view = body.view;
  const context = readContext(view?.private_metadata);
  if (!view || !context || context.team_id !== body.team?.id) return;
  const sendAs = readSendAs(view.state.values);
  try {
    await client.views.update({
      view_id: view.id,
      // With the hash, Slack refuses to overwrite a view that changed meanwhile.
      hash: view.hash,
      view: feedbackModal(
        { ...formFrom(readForm(view.state.values)), send_as: sendAs },
        {
          ...context,
          business_name: context.accounts?.find((a) => a.user_id === sendAs)?.name ?? context.business_name,
        },
      ),
    });
  } catch (error) {
    if ((error as { data?: { error?: string } }).data?.error === 'hash_conflict') return;
    logger.warn(`Could not refresh the feedback form: ${(error as Error).message}`);
  }
}
