import { AnswerPoller, type AnswerPollerParts } from './answer-poller.js';
import { AnswerReconciler, type AnswerReconcilerParts } from './answer-reconciler.js';
import type { Schedule } from './schedule.js';

/** A card is first asked for 5 minutes after it was sent: a run a minute finds it within 6. */
export const POLL_EVERY_MS = 60 * 1000;
/** Events settle a day late anyway; a run every quarter hour reads them in windows of about that. */
export const RECONCILE_EVERY_MS = 15 * 60 * 1000;

export type AnswerCollectionDeps = AnswerPollerParts &
  AnswerReconcilerParts & {
    schedule: Pick<Schedule, 'every'>;
  };

export interface AnswerCollection {
  /** For the send path, once Twitter created a card: its answer is asked for from now on. */
  cardSent(teamId: string, accountId: string, feedbackId: string): Promise<void>;
  /** Run at once, besides the schedule's runs. */
  poll(): Promise<void>;
  reconcile(): Promise<void>;
}

/**
 * The two paths that read answers from Twitter, on the process's schedule: asking for
 * the cards the app sent, and reading every account's events a day later for whatever
 * was missed. Every answer goes to the sink, as the pushed ones do.
 */
export function startAnswerCollection(deps: AnswerCollectionDeps): AnswerCollection {
  const poller = new AnswerPoller(deps);
  const reconciler = new AnswerReconciler(deps);
  return {
    cardSent: (teamId, accountId, feedbackId) => poller.cardSent(teamId, accountId, feedbackId),
    poll: deps.schedule.every(POLL_EVERY_MS, 'Could not ask Twitter for answers', () => poller.run()),
    reconcile: deps.schedule.every(RECONCILE_EVERY_MS, 'Could not read card events from Twitter', () => reconciler.run()),
  };
}
