import type { KnownBlock, ModalView } from '@slack/types';
import type { FeedbackRequest } from '../../domain/feedback-request.js';
import { OUTCOME_MODAL, RESEND } from '../ids.js';
import { section } from './blocks.js';
import { escapeMrkdwn, truncate, truncateMrkdwn } from './text.js';

const TITLE = 'Ask for feedback';

/** Whom a request went to, as the agent named them. */
export interface RecipientShown {
  label: string;
}

/** What an outcome shows, as plain data: a send's result, or one settled after a stop. */
export type SendOutcome = { request: FeedbackRequest; recipient: RecipientShown; question: string } & (
  | { status: 'sent'; feedback: { id: string; dm_id: string } }
  | { status: 'not_sent' | 'unknown'; explanation: { reason: string; action: string } }
);

function describe(request: FeedbackRequest, recipient: RecipientShown): string {
  const test = request.test ? ' (test)' : '';
  return `${request.type.toUpperCase()}${test} request to ${escapeMrkdwn(recipient.label)}`;
}

function notice(title: string, blocks: KnownBlock[]): ModalView {
  return {
    type: 'modal',
    callback_id: OUTCOME_MODAL,
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: 'Close' },
    blocks,
  };
}

export function noteBlock(text: string): KnownBlock {
  return section(text, 'note');
}

/** A notice in words, never markup: refusals repeat what an agent typed. */
export function messageView(title: string, text: string): ModalView {
  return notice(truncate(title, 24), [section(escapeMrkdwn(text), 'notice')]);
}

export function sendingView(request: FeedbackRequest, recipient: RecipientShown): ModalView {
  return notice(TITLE, [section(`:hourglass_flowing_sand: Sending the ${describe(request, recipient)}…`, 'status')]);
}

/** The blocks of an outcome: the same words in the modal and in the channel. */
export function outcomeBlocks(result: SendOutcome, resendId?: string): KnownBlock[] {
  const what = describe(result.request, result.recipient);
  const question: KnownBlock = {
    type: 'context',
    block_id: 'question',
    elements: [
      {
        type: 'mrkdwn',
        text: truncateMrkdwn(`Question ${result.request.question_variant_id}: ${escapeMrkdwn(result.question)}`, 3000),
      },
    ],
  };
  if (result.status === 'sent') {
    const details = [
      `*Feedback id:* \`${escapeMrkdwn(result.feedback.id)}\``,
      `*DM id:* \`${escapeMrkdwn(result.feedback.dm_id)}\``,
      `*Customer:* ${escapeMrkdwn(result.recipient.label)} (id \`${escapeMrkdwn(result.request.to_user_id)}\`)`,
    ];
    if (result.request.external_id) details.push(`*Ticket:* ${escapeMrkdwn(result.request.external_id)}`);
    return [section(`:white_check_mark: *Sent:* the ${what}.`, 'status'), section(details.join('\n'), 'details'), question];
  }
  const icon = result.status === 'unknown' ? ':warning: *Not confirmed:*' : ':x: *Not sent:*';
  const blocks = [
    section(`${icon} the ${what}.`, 'status'),
    section(`${escapeMrkdwn(result.explanation.reason)}\n*What to do:* ${escapeMrkdwn(result.explanation.action)}`, 'details'),
    question,
  ];
  if (resendId) {
    blocks.push({
      type: 'actions',
      block_id: 'resend_actions',
      elements: [
        {
          type: 'button',
          action_id: RESEND,
          text: { type: 'plain_text', text: 'Send again' },
          value: resendId,
          confirm: {
            title: { type: 'plain_text', text: 'Send it again?' },
            text: { type: 'mrkdwn', text: 'Only if the customer did not get it: check the business’s Direct Messages first.' },
            confirm: { type: 'plain_text', text: 'Send again' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
      ],
    });
  }
  return blocks;
}

export function outcomeView(result: SendOutcome, resendId?: string): ModalView {
  return notice(TITLE, outcomeBlocks(result, resendId));
}

/** Fallback text for notifications and clients that do not render blocks. */
export function outcomeText(result: SendOutcome): string {
  const what = describe(result.request, result.recipient);
  if (result.status === 'sent') return `Sent the ${what} (feedback id ${escapeMrkdwn(result.feedback.id)}).`;
  const reason = escapeMrkdwn(result.explanation.reason);
  if (result.status === 'unknown') return `Not confirmed: the ${what}. ${reason}`;
  return `Not sent: the ${what}. ${reason}`;
}

function threadSummary(result: SendOutcome, agentId: string): string {
  const { request, recipient } = result;
  const what = `${request.type.toUpperCase()} feedback request (question ${request.question_variant_id}${request.test ? ', test' : ''}) to ${escapeMrkdwn(recipient.label)}`;
  if (result.status === 'sent') return `<@${agentId}> sent a ${what}. Feedback id \`${escapeMrkdwn(result.feedback.id)}\`.`;
  const state = result.status === 'unknown' ? 'may not have gone out' : 'was not sent';
  return `A ${what} by <@${agentId}> ${state}: ${escapeMrkdwn(result.explanation.reason)}`;
}

/** The thread reply: who asked whom for what, never a score. */
export function threadBlocks(result: SendOutcome, agentId: string): KnownBlock[] {
  const icon = result.status === 'sent' ? ':speech_balloon:' : result.status === 'unknown' ? ':warning:' : ':x:';
  return [section(`${icon} ${threadSummary(result, agentId)}`, 'thread_outcome')];
}

export function threadText(result: SendOutcome, agentId: string): string {
  return threadSummary(result, agentId);
}

/** Said privately when the thread could not be reached. */
export function notInChannelNote(channelId: string): string {
  return (
    `:information_source: The outcome could not be posted in the thread: the app is not a member of <#${channelId}>. ` +
    'Add it from the channel’s details (Integrations → Add apps) so outcomes appear in ticket threads.'
  );
}
