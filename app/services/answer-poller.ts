import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { TwitterClient } from '../twitter/client.js';
import { isRateLimited, type TwitterFailure } from '../twitter/wire.js';
import type { AccountSource } from './account-source.js';
import type { AnswerSink } from './answer-sink.js';

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * When a card sent through the app is asked for, after it was sent. Most customers answer
 * within minutes of the card, so the asks come early and thin out; a card is asked at
 * most five times, and what comes later is the reconciler's to find.
 */
export const ASK_AFTER_MS = [5 * MINUTE_MS, 20 * MINUTE_MS, HOUR_MS, 4 * HOUR_MS, 24 * HOUR_MS] as const;

/**
 * feedback/show calls one account may make in BUDGET_WINDOW_MS, across every instance:
 * Twitter allows 180, and the rest is left for everything else that reads the account.
 */
export const POLL_BUDGET = 120;
export const BUDGET_WINDOW_MS = 15 * MINUTE_MS;

/** Long enough for a run to spend a whole budget; a run stops asking at half of it, so it never outlives its lease. */
const LEASE_MS = 5 * MINUTE_MS;

/** The cards still to be asked for, shared by every instance. */
const DUE_SET = 'answers-due';

interface DueCard {
  teamId: string;
  accountId: string;
  feedbackId: string;
  sentAt: number;
  /** How many of ASK_AFTER_MS's times have passed or been asked already. */
  step: number;
}

function encode(card: DueCard): string {
  return JSON.stringify([card.teamId, card.accountId, card.feedbackId, card.sentAt, card.step]);
}

function decode(member: string): DueCard | undefined {
  try {
    const [teamId, accountId, feedbackId, sentAt, step] = JSON.parse(member) as unknown[];
    if (typeof teamId !== 'string' || typeof accountId !== 'string' || typeof feedbackId !== 'string') return undefined;
    if (typeof sentAt !== 'number' || typeof step !== 'number') return undefined;
    return { teamId, accountId, feedbackId, sentAt, step };
  } catch {
    return undefined;
  }
}

const dueAt = (card: DueCard) => card.sentAt + ASK_AFTER_MS[card.step];

/** The first ask still to come at `now`: a run that came late does not make up the asks it missed. */
function nextStep(card: DueCard, now: number): number {
  let step = card.step + 1;
  while (step < ASK_AFTER_MS.length && card.sentAt + ASK_AFTER_MS[step] <= now) step++;
  return step;
}

/** Twitter will not answer for this account for now: its other cards wait for the next run. */
function stopsAccount(failure: TwitterFailure): boolean {
  return isRateLimited(failure) || (failure.kind === 'refused' && failure.status === 401) || failure.kind === 'unreachable';
}

export interface AnswerPollerParts {
  store: Pick<Store, 'claim' | 'unclaim' | 'reserve' | 'mark' | 'unmark' | 'members'>;
  twitter: Pick<TwitterClient, 'showFeedback'>;
  accounts: Pick<AccountSource, 'forWorkspace'>;
  sink: AnswerSink;
  warn: (message: string) => void;
  now?: () => number;
  /** Stands in for POLL_BUDGET where a smaller number is wanted. */
  budget?: number;
  leaseMs?: number;
}

/**
 * Asks Twitter for the answers to cards the app sent, each card on the ASK_AFTER_MS
 * schedule and each account within its budget; one instance at a time per account.
 */
export class AnswerPoller {
  private readonly now: () => number;
  private readonly budget: number;
  private readonly leaseMs: number;

  constructor(private readonly parts: AnswerPollerParts) {
    this.now = parts.now ?? Date.now;
    this.budget = parts.budget ?? POLL_BUDGET;
    this.leaseMs = parts.leaseMs ?? LEASE_MS;
  }

  /** For the send path, once Twitter created the card: it is asked for from now on. */
  async cardSent(teamId: string, accountId: string, feedbackId: string, sentAt = this.now()): Promise<void> {
    await this.parts.store.mark(DUE_SET, encode({ teamId, accountId, feedbackId, sentAt, step: 0 }));
  }

  /** Asks for every card whose time has come, as far as each account's budget goes; answers how many were asked. */
  async run(): Promise<number> {
    const now = this.now();
    const byAccount = new Map<string, DueCard[]>();
    for (const card of await this.dueCards()) {
      if (dueAt(card) > now) continue;
      byAccount.set(card.accountId, [...(byAccount.get(card.accountId) ?? []), card]);
    }
    let asked = 0;
    for (const [accountId, cards] of byAccount) {
      const lease = `answers-poll-lease:${accountId}`;
      if (!(await this.parts.store.claim(lease, this.leaseMs))) continue;
      try {
        asked += await this.pollAccount(
          accountId,
          cards.sort((a, b) => dueAt(a) - dueAt(b)),
        );
      } catch (error) {
        this.parts.warn(`Could not ask for the answers of account ${accountId}: ${(error as Error).message}`);
      } finally {
        await this.parts.store.unclaim(lease);
      }
    }
    return asked;
  }

  /** The due set, one entry per card: a step written twice (a stop between mark and unmark) keeps the later one. */
  private async dueCards(): Promise<DueCard[]> {
    const cards = new Map<string, { card: DueCard; member: string }>();
    for (const member of await this.parts.store.members(DUE_SET)) {
      const card = decode(member);
      if (!card) {
        await this.parts.store.unmark(DUE_SET, member);
        continue;
      }
      const key = `${card.accountId}/${card.feedbackId}`;
      const seen = cards.get(key);
      if (!seen || card.step > seen.card.step) {
        if (seen) await this.parts.store.unmark(DUE_SET, seen.member);
        cards.set(key, { card, member });
      } else await this.parts.store.unmark(DUE_SET, member);
    }
    return [...cards.values()].map(({ card }) => card);
  }

  private async pollAccount(accountId: string, cards: DueCard[]): Promise<number> {
    const stopAt = this.now() + this.leaseMs / 2;
    let asked = 0;
    for (const card of cards) {
      const now = this.now();
      if (now >= stopAt) break;
      const account = await this.parts.accounts.forWorkspace(card.teamId, accountId);
      // Disconnected: nothing about its cards can be read any more.
      if (!account) {
        await this.parts.store.unmark(DUE_SET, encode(card));
        continue;
      }
      const place = await this.parts.store.reserve(`answers-poll:${accountId}`, this.budget, BUDGET_WINDOW_MS, now, randomUUID());
      if (!place.ok) break;
      asked++;
      const shown = await this.parts.twitter.showFeedback(account.tokens, card.feedbackId);
      if (shown.ok) {
        await this.parts.sink.record(shown.data);
        const complete = shown.data.score !== undefined && shown.data.text !== undefined;
        await this.advance(card, complete ? ASK_AFTER_MS.length : nextStep(card, now));
      } else if (shown.failure.kind === 'refused' && shown.failure.status === 404) {
        await this.parts.store.unmark(DUE_SET, encode(card));
      } else if (stopsAccount(shown.failure)) {
        break;
      }
    }
    return asked;
  }

  /** Written before the old step is removed: a stop in between leaves the card twice, never lost. */
  private async advance(card: DueCard, step: number): Promise<void> {
    if (step < ASK_AFTER_MS.length) await this.parts.store.mark(DUE_SET, encode({ ...card, step }));
    await this.parts.store.unmark(DUE_SET, encode(card));
  }
}
