import { loadConfig } from '../../app/config.js';
import { type AnswerEvent, parseAnswerEvent } from '../../app/domain/answers.js';
import { dayOf } from '../../app/domain/results.js';
import type { FeedbackType } from '../../app/domain/survey-types.js';
import { AnswerBook } from '../../app/services/answer-book.js';
import { dayCounters } from '../../app/services/day-counters.js';
import { SendLog } from '../../app/services/send-log.js';
import { claimLock } from '../../app/store/lock.js';
import { openStore, type Store } from '../../app/store/store.js';
import { twitterDate } from '../simulators/twitter.js';
import type { Signed } from './load.js';
import type { BenchWorkspace, World } from './world.js';

/**
 * Customers answering cards, as Twitter pushes each change to the app's webhook: many
 * distinct cards, most sent from Slack (their send records are in the store first, so
 * each answer is joined to one), some sent by the business with another tool; comments
 * that follow a score, changed scores, and pushes Twitter sends again.
 */

export const WEBHOOK_USER = 'twitter-pushes';
export const WEBHOOK_PASSWORD = 'bench-webhook-password-0123456789';
const AUTHORIZATION = `Basic ${Buffer.from(`${WEBHOOK_USER}:${WEBHOOK_PASSWORD}`).toString('base64')}`;

/** Of every push: what it brings. The rest are first answers to cards not answered before. */
const SHARE = { comment: 0.2, changedScore: 0.1, again: 0.1 };
/** Of first answers: a comment given with the score. */
const COMMENT_WITH_SCORE = 0.3;
/** One card in this many was sent by the business with another tool: no send record joins it. */
const OUTSIDE_EVERY = 10;
const TEST = 0.05;
const NPS = 0.3;
/**
 * Later pushes about a card come at least this many pushes after its first answer (a
 * customer types a comment after the score; Twitter sends a push again after a while),
 * not while the first is still being stored.
 */
const LATER_BY = 2_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const COMMENTS = [
  'Quick and kind, thank you!',
  'Took three days to get an answer.',
  '=HYPERLINK("http://example.com") looks like a formula',
  'Très bien, merci 👍',
  'The agent fixed it\nin one go.',
];
/** Twitter's card ids: 64-bit numbers, far from the bench's users. */
const FIRST_CARD_ID = 1_500_000_000_000_000_000n;

/** A small PRNG (mulberry32), so that every run pushes the same events. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Card {
  n: number;
  id: string;
  workspace: BenchWorkspace;
  customerId: string;
  type: FeedbackType;
  test: boolean;
  outside: boolean;
  sentAt: number;
  externalId: string;
  variant: string;
  /** As last given. */
  score?: { value: number; at: number };
  text?: { value: string; at: number };
  updatedAt: number;
}

/** What the app's counters must add up to, over every workspace and day. */
export interface Totals {
  /** Cards with a score, test ones included. */
  answered: number;
  scoreSum: number;
  comments: number;
}

/** Runs `work` on each of `count` items, `concurrency` at a time. */
async function each(count: number, concurrency: number, work: (n: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let n = next++; n < count; n = next++) await work(n);
    }),
  );
}

/** The answer book as the app builds it on `store`. */
export function answerBook(store: Store, log: SendLog): AnswerBook {
  return new AnswerBook({
    records: store.records('answers'),
    store,
    lock: claimLock(store),
    sends: log,
    accounts: {
      workspacesWith: (userId) => store.accounts.workspacesWith(userId),
      connected: async (teamId) => (await store.accounts.list({ teamId })).map((account) => account.user_id),
    },
  });
}

/**
 * `count` cards over `workspaces`, sent over the day before yesterday's 24 hours; card n is
 * the same in every run and every configuration.
 */
export class Cards {
  private readonly now = Date.now();

  constructor(
    private readonly world: World,
    readonly count: number,
    private readonly workspaces: BenchWorkspace[] = world.workspaces,
  ) {}

  card(n: number): Card {
    const roll = random(n * 7919 + 1);
    const workspace = this.workspaces[n % this.workspaces.length];
    const customer = this.world.customers[Math.floor(n / this.workspaces.length) % this.world.customers.length];
    return {
      n,
      id: String(FIRST_CARD_ID + BigInt(n)),
      workspace,
      customerId: customer.id_str,
      type: roll() < NPS ? 'nps' : 'csat',
      test: roll() < TEST,
      outside: n % OUTSIDE_EVERY === 0,
      sentAt: this.now - DAY_MS - Math.floor(roll() * DAY_MS),
      externalId: `ticket ${10_000 + n}`,
      variant: String(Math.floor(roll() * 10)),
      updatedAt: 0,
    };
  }

  /** The UTC days the cards were sent on. */
  days(): string[] {
    return [dayOf(this.now - 2 * DAY_MS), dayOf(this.now - DAY_MS)];
  }

  /** Writes the send record of every card sent from Slack into the store `env` names, as the app's send log does. */
  async seedSends(env: Record<string, string>, concurrency = 64): Promise<void> {
    await this.withStore(env, async (store) => {
      const log = new SendLog(store.records('sends'), store);
      await each(this.count, concurrency, async (n) => {
        const card = this.card(n);
        if (!card.outside) await sendFromSlack(log, card);
      });
    });
  }

  /**
   * Every card sent, then answered once (a score, a comment with some), all through the
   * app's own send log and answer book, straight into the store `env` names.
   */
  async seedAnswers(env: Record<string, string>, concurrency = 64, done: (n: number) => void = () => undefined): Promise<void> {
    await this.withStore(env, async (store) => {
      const log = new SendLog(store.records('sends'), store);
      const book = answerBook(store, log);
      let finished = 0;
      await each(this.count, concurrency, async (n) => {
        const card = this.card(n);
        if (!card.outside) await sendFromSlack(log, card);
        const roll = random(n);
        answerScore(card, roll);
        if (roll() < COMMENT_WITH_SCORE) answerComment(card, roll);
        await book.record(checked(pushed(card)));
        if (++finished % 10_000 === 0) done(finished);
      });
    });
  }

  /** What the app's day counters in the store `env` names add up to, over the cards' days. */
  async stored(env: Record<string, string>): Promise<Totals> {
    const totals: Totals = { answered: 0, scoreSum: 0, comments: 0 };
    await this.withStore(env, async (store) => {
      for (const w of this.workspaces) {
        for (const c of (await dayCounters(store, w.teamId, this.days())).values()) {
          totals.answered += c.csat_answered + c.nps_answered + c.test_answered;
          totals.scoreSum += c.csat_sum + c.nps_sum;
          totals.comments += c.comments;
        }
      }
    });
    return totals;
  }

  private async withStore(env: Record<string, string>, work: (store: Store) => Promise<void>): Promise<void> {
    const store = await openStore(loadConfig(env).store);
    try {
      await work(store);
    } finally {
      await store.close();
    }
  }
}

async function sendFromSlack(log: SendLog, card: Card): Promise<void> {
  const request = {
    type: card.type,
    to_user_id: card.customerId,
    message: 'Thanks for talking to us today!',
    privacy_url: 'https://example.com/privacy',
    external_id: card.externalId,
    question_variant_id: Number(card.variant),
    test: card.test,
  };
  const recipient = { id: card.customerId, label: card.customerId };
  const w = card.workspace;
  const pending = await log.begin(w.teamId, w.agentId, w.business.id_str, { request, recipient }, { id: card.id, keys: [] });
  await log.settle(pending, { status: 'sent', feedback: created(card) });
}

/** The card as feedback/create answered it. */
function created(card: Card) {
  return {
    id: card.id,
    type: card.type,
    test: card.test,
    dm_id: String(BigInt(card.id) + 1n),
    from_user_id: card.workspace.business.id_str,
    to_user_id: card.customerId,
    external_id: card.externalId,
    question_variant_id: card.variant,
    privacy_url: 'https://example.com/privacy',
    created_at: twitterDate(new Date(card.sentAt)),
  };
}

/** Twitter's times have whole seconds: each change to a card comes at least a second after the last. */
function later(card: Card, roll: () => number): number {
  card.updatedAt = Math.max(card.sentAt, card.updatedAt) + 1000 + Math.floor(roll() * 600) * 1000;
  return card.updatedAt;
}

function answerScore(card: Card, roll: () => number): void {
  const value = card.type === 'nps' ? Math.floor(roll() * 11) : 1 + Math.floor(roll() * 5);
  card.score = { value, at: later(card, roll) };
}

function answerComment(card: Card, roll: () => number): void {
  card.text = { value: COMMENTS[Math.floor(roll() * COMMENTS.length)], at: later(card, roll) };
}

/** The card as it stands, as Twitter pushes it. */
function pushed(card: Card) {
  const time = (ms: number) => twitterDate(new Date(ms));
  return {
    event_type: 'feedback.updated',
    created_at: time(card.updatedAt),
    feedback: {
      ...created(card),
      updated_at: time(card.updatedAt),
      response: {
        ...(card.score ? { score: { value: card.score.value, created_at: time(card.score.at) } } : {}),
        ...(card.text ? { text: { value: card.text.value, created_at: time(card.text.at) } } : {}),
      },
    },
  };
}

function checked(event: unknown): AnswerEvent {
  const parsed = parseAnswerEvent(event);
  if (!parsed.ok) throw new Error(`the bench made an event the app refuses: ${parsed.field} ${parsed.problem}`);
  return parsed.value;
}

/** The pushes of a run, made as they are sent, over `cards` whose send records are already stored. */
export class AnswerPushes {
  private readonly answered: Card[] = [];
  private readonly history: Buffer[] = [];
  /** Made but not acknowledged: a run ended before the app answered them, or before they went out. */
  private readonly unanswered = new Set<Buffer>();
  private pushes = 0;
  private again = 0;
  private resent = 0;
  private readonly roll = random(12);

  constructor(private readonly cards: Cards) {}

  /** The next push. */
  next(): Signed {
    this.pushes++;
    const r = this.roll();
    const settled = this.answered.length - LATER_BY;
    let body: Buffer;
    if (r < SHARE.again && this.history.length > LATER_BY) {
      this.again++;
      body = this.history[Math.floor(this.roll() * (this.history.length - LATER_BY))];
    } else if (r < SHARE.again + SHARE.comment + SHARE.changedScore && settled > 0) {
      const card = this.answered[Math.floor(this.roll() * settled)];
      if (r < SHARE.again + SHARE.comment) answerComment(card, this.roll);
      else answerScore(card, this.roll);
      body = this.remember(card);
    } else {
      // Once every card has its first answer, customers only change theirs.
      const fresh = this.answered.length < this.cards.count;
      const card = fresh ? this.cards.card(this.answered.length) : this.answered[Math.floor(this.roll() * this.answered.length)];
      if (fresh) this.answered.push(card);
      answerScore(card, this.roll);
      if (this.roll() < COMMENT_WITH_SCORE) answerComment(card, this.roll);
      body = this.remember(card);
    }
    this.unanswered.add(body);
    return { body, headers: { 'content-type': 'application/json', authorization: AUTHORIZATION } };
  }

  /** The app acknowledged this push: it has stored it. */
  acknowledged(push: Signed): void {
    this.unanswered.delete(push.body as Buffer);
  }

  /** Sends again, one at a time as Twitter does after a while, each push the app has not acknowledged. */
  async sendAgain(url: string): Promise<void> {
    for (const body of this.unanswered) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: AUTHORIZATION },
        body: new Uint8Array(body),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`a push sent again was answered ${response.status}`);
      this.unanswered.delete(body);
      this.resent++;
    }
  }

  /** Pushes made, those that were Twitter sending one again, those sent again after the runs, and the cards answered. */
  get counts(): { pushes: number; again: number; resent: number; cards: number } {
    return { pushes: this.pushes, again: this.again, resent: this.resent, cards: this.answered.length };
  }

  /** What the answers pushed add up to, each card as last pushed, once every push has been acknowledged. */
  expected(): Totals {
    const counted = this.answered.filter((card) => !card.test);
    return {
      answered: this.answered.length,
      scoreSum: counted.reduce((sum, card) => sum + card.score!.value, 0),
      comments: counted.filter((card) => card.text).length,
    };
  }

  /** Kept so that Twitter can send it again. */
  private remember(card: Card): Buffer {
    const body = Buffer.from(JSON.stringify(pushed(card)));
    this.history.push(body);
    return body;
  }
}
