import type { KnownBlock } from '@slack/types';
import type { CheckedDraft } from '../../domain/feedback-request.js';
import { questionText } from '../../domain/variants.js';
import { CONFIRM_EDIT, CONFIRM_SEND } from '../ids.js';
import { section } from './blocks.js';
import { escapeMrkdwn, truncateMrkdwn } from './text.js';

function recipientLabel(draft: CheckedDraft): string {
  return draft.recipient.kind === 'id' ? draft.recipient.id : `@${draft.recipient.screen_name}`;
}

/** Asked before a one-line command sends anything: nothing goes out without a click. */
export function confirmationMessage(draft: CheckedDraft, businessName: string, confirmationId: string) {
  const question = questionText(draft.type, draft.question_variant_id, draft.display_name ?? businessName);
  const summary =
    `Send this *${draft.type.toUpperCase()}* feedback request to *${escapeMrkdwn(recipientLabel(draft))}*` +
    `${draft.test ? ' (test)' : ''}${draft.external_id ? ` for ${escapeMrkdwn(draft.external_id)}` : ''}?`;
  const blocks: KnownBlock[] = [
    section(summary, 'summary'),
    section(`*Direct Message:* ${escapeMrkdwn(draft.message)}`, 'message'),
    {
      type: 'context',
      block_id: 'question',
      elements: [
        { type: 'mrkdwn', text: truncateMrkdwn(`Question ${draft.question_variant_id}: ${escapeMrkdwn(question)}`, 3000) },
      ],
    },
    {
      type: 'actions',
      block_id: 'confirm',
      elements: [
        {
          type: 'button',
          action_id: CONFIRM_SEND,
          style: 'primary',
          text: { type: 'plain_text', text: 'Send' },
          value: confirmationId,
        },
        { type: 'button', action_id: CONFIRM_EDIT, text: { type: 'plain_text', text: 'Edit' }, value: confirmationId },
      ],
    },
  ];
  return { text: `Send a ${draft.type.toUpperCase()} feedback request to ${escapeMrkdwn(recipientLabel(draft))}?`, blocks };
}
