import type { KnownBlock } from '@slack/types';
import type { AlertContent, AlertMark } from '../../domain/alerts.js';
import { SCORE_RANGE } from '../../domain/answers.js';
import { SURVEY_TYPES } from '../../domain/survey-types.js';
import { ALERT_FOLLOW_UP, ALERT_RESOLVED } from '../ids.js';
import { section } from './blocks.js';
import { escapeMrkdwn, truncateMrkdwn } from './text.js';

/** How much of a comment an alert quotes: the rest is in Results and the export. */
const COMMENT_MAX = 2000;
const FIELD_MAX = 300;

/** A Slack user, as a mention; anything that is not a user id is shown as text. */
export function person(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

function score(content: Pick<AlertContent, 'type'>, value: number): string {
  return `${value}/${SCORE_RANGE[content.type].max}`;
}

function when(mark: AlertMark): string {
  const seconds = Math.floor(Date.parse(mark.at) / 1000);
  // Slack shows the time in each reader's own zone; the fallback is for clients that cannot.
  return Number.isFinite(seconds) ? `<!date^${seconds}^{date_short_pretty} at {time}|${escapeMrkdwn(mark.at)}>` : '';
}

function headline(content: AlertContent): string {
  const label = SURVEY_TYPES[content.type].label;
  const limit = `alerts at ${content.at_most} or below`;
  const first = content.first_score === undefined ? '' : `; first posted at ${score(content, content.first_score)}`;
  return content.score <= content.at_most
    ? `:rotating_light: *Low ${label} score: ${score(content, content.score)}* (${limit}${first})`
    : `:arrow_up: *${label} score now ${score(content, content.score)}*: above the alert threshold (${limit}${first})`;
}

function customer(content: AlertContent): string {
  const handle = content.customer_handle ? `@${content.customer_handle}` : undefined;
  const parts = [handle, content.customer_id && (handle ? `(${content.customer_id})` : content.customer_id)];
  return escapeMrkdwn(parts.filter(Boolean).join(' ')) || 'not known';
}

function quoted(comment: string): string {
  return truncateMrkdwn(escapeMrkdwn(comment), COMMENT_MAX)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

function field(name: string, value: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: `*${name}*\n${truncateMrkdwn(value, FIELD_MAX)}` };
}

/**
 * The alert: score, comment, ticket, agent, customer and account, the request's thread when
 * it had one, who follows it up, and the buttons until it is resolved. `permalink`: the
 * thread's link, when Slack gave one.
 */
export function alertBlocks(content: AlertContent, permalink?: string): KnownBlock[] {
  const blocks: KnownBlock[] = [section(headline(content), 'alert_score')];
  if (content.comment) blocks.push(section(quoted(content.comment), 'alert_comment'));
  else blocks.push({ type: 'context', block_id: 'alert_comment', elements: [{ type: 'mrkdwn', text: 'No comment.' }] });
  blocks.push({
    type: 'section',
    block_id: 'alert_card',
    fields: [
      field('Ticket', content.ticket ? escapeMrkdwn(content.ticket) : 'none'),
      field('Agent', content.agent ? person(content.agent) : 'sent outside the app'),
      field('Customer', customer(content)),
      field('Account', content.account ? escapeMrkdwn(content.account) : 'not known'),
    ],
  });
  const thread = content.thread
    ? permalink
      ? `<${permalink}|The thread it was requested from>`
      : `Requested from a thread in <#${content.thread.channel_id}>`
    : undefined;
  blocks.push({
    type: 'context',
    block_id: 'alert_source',
    elements: [{ type: 'mrkdwn', text: [thread, `Card ${escapeMrkdwn(content.feedback_id)}`].filter(Boolean).join(' · ') }],
  });
  const marks = [
    content.follow_up && `:eyes: ${person(content.follow_up.user_id)} follows up (${when(content.follow_up)})`,
    content.resolved && `:white_check_mark: Resolved by ${person(content.resolved.user_id)} (${when(content.resolved)})`,
  ].filter((mark): mark is string => Boolean(mark));
  if (marks.length)
    blocks.push({ type: 'context', block_id: 'alert_marks', elements: [{ type: 'mrkdwn', text: marks.join('\n') }] });
  if (!content.resolved) {
    blocks.push({
      type: 'actions',
      block_id: 'alert_actions',
      elements: [
        {
          type: 'button',
          action_id: ALERT_FOLLOW_UP,
          text: { type: 'plain_text', text: "I'll follow up" },
          value: content.feedback_id,
        },
        {
          type: 'button',
          action_id: ALERT_RESOLVED,
          style: 'primary',
          text: { type: 'plain_text', text: 'Resolved' },
          value: content.feedback_id,
        },
      ],
    });
  }
  return blocks;
}

/** What notifications show: the score and ticket, never the comment. */
export function alertText(content: AlertContent): string {
  const label = SURVEY_TYPES[content.type].label;
  const ticket = content.ticket ? ` on ${escapeMrkdwn(content.ticket)}` : '';
  return content.score <= content.at_most
    ? `Low ${label} score ${score(content, content.score)}${ticket}`
    : `${label} score now ${score(content, content.score)}${ticket}, above the alert threshold`;
}
