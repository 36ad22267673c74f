import { type Answer, withoutUndefined } from './answers.js';
import type { FeedbackType } from './survey-types.js';
import type { LowScoreAlerts } from './workspace-settings.js';

/** The highest score of each type that is posted as low. */
export function threshold(type: FeedbackType, alerts: Pick<LowScoreAlerts, 'csat_at_most' | 'nps_at_most'>): number {
  return type === 'csat' ? alerts.csat_at_most : alerts.nps_at_most;
}

/**
 * Whether an answer is posted as a low score. Test cards never are: they are the team
 * trying the app, and an alert channel is for customers.
 */
export function isLow(answer: Pick<Answer, 'type' | 'test' | 'score'>, alerts: LowScoreAlerts | undefined): boolean {
  if (!alerts || answer.test || answer.score === undefined) return false;
  return answer.score.value <= threshold(answer.type, alerts);
}

/** Who pressed one of an alert's buttons, and when (ISO 8601). */
export interface AlertMark {
  user_id: string;
  at: string;
}

export type AlertAction = 'follow_up' | 'resolved';

/** Where the request was made from, when it was made from a ticket thread. */
export interface AlertThread {
  channel_id: string;
  thread_ts: string;
}

/** Everything a low-score alert shows; the same content twice needs no edit. */
export interface AlertContent {
  feedback_id: string;
  type: FeedbackType;
  score: number;
  /** The threshold the score is compared with. */
  at_most: number;
  /** The score that was first posted, once a later one differs. */
  first_score?: number;
  comment?: string;
  /** The ticket reference (external_id). */
  ticket?: string;
  /** The Slack user who sent the request; absent for cards sent by other tools. */
  agent?: string;
  customer_id?: string;
  customer_handle?: string;
  /** The business account's @screen_name, or its id when the name is unknown. */
  account?: string;
  thread?: AlertThread;
  follow_up?: AlertMark;
  resolved?: AlertMark;
}

/** What is known about a card's alert, kept per workspace and card. */
export interface AlertRecord {
  channel: string;
  /** The message's ts, once Slack posted it. */
  ts?: string;
  /** Posting gave no answer: Slack may have posted, so it is never posted again. */
  unknown?: true;
  /** The score the message was first posted with. */
  first_score: number;
  /** The threshold when it was posted, used should alerts be turned off later. */
  at_most: number;
  /** What the message shows now. */
  shown?: AlertContent;
  follow_up?: AlertMark;
  resolved?: AlertMark;
}

/** The message's content for the answer as it stands, with what people did about it. */
export function alertContent(
  answer: Answer,
  record: Pick<AlertRecord, 'first_score' | 'at_most' | 'follow_up' | 'resolved'>,
  extras: { account?: string; thread?: AlertThread },
): AlertContent | undefined {
  if (answer.score === undefined) return undefined;
  const score = answer.score.value;
  const comment = answer.text?.value.trim();
  return withoutUndefined({
    feedback_id: answer.feedback_id,
    type: answer.type,
    score,
    at_most: record.at_most,
    first_score: record.first_score !== score ? record.first_score : undefined,
    comment: comment || undefined,
    ticket: answer.external_id,
    agent: answer.agent,
    customer_id: answer.to_user_id,
    customer_handle: answer.customer_handle,
    account: extras.account,
    thread: extras.thread,
    follow_up: record.follow_up,
    resolved: record.resolved,
  });
}
