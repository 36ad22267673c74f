import { isDeepStrictEqual } from 'node:util';
import { type AlertAction, type AlertContent, type AlertRecord, alertContent, isLow, threshold } from '../domain/alerts.js';
import type { Answer } from '../domain/answers.js';
import type { Lock } from '../store/lock.js';
import type { Records, Store } from '../store/store.js';
import type { AccountSource } from './account-source.js';
import type { AnswerBook } from './answer-book.js';
import { NotPosted } from './not-posted.js';
import type { SendLog } from './send-log.js';
import type { SettingsSource } from './settings.js';

/** Slack, as far as alerts reach it. */
export interface AlertMessages {
  /** Posts the alert and answers its ts; throws NotPosted when Slack answered that it posted nothing. */
  post(teamId: string, channel: string, content: AlertContent): Promise<string>;
  update(teamId: string, channel: string, ts: string, content: AlertContent): Promise<void>;
}

export interface LowScoreAlertsParts {
  /** The `alerts` records: one per workspace and card that was found low. */
  records: Records;
  store: Pick<Store, 'claim' | 'unclaim' | 'mark' | 'unmark' | 'members'>;
  lock: Lock;
  settings: Pick<SettingsSource, 'forWorkspace'>;
  answers: Pick<AnswerBook, 'answer'>;
  sends: Pick<SendLog, 'sentCard'>;
  accounts: Pick<AccountSource, 'list'>;
  messages: AlertMessages;
  /** Work that goes on once the answer is recorded; shutdown waits for it. */
  background(work: Promise<unknown>): void;
  warn(message: string): void;
  now?: () => Date;
}

/** Cards whose message may not show their answer yet, as `team/feedback id`: tried again until it does. */
const PENDING = 'alerts-pending';
/** Longer than any post takes: a claim still held after this belonged to a process that stopped. */
const POSTING_MS = 10 * 60 * 1000;
/** A card changed again while its message was being brought up to date is shown in as many more rounds. */
const ROUNDS = 3;

type Shown = { settled: false } | { settled: true; answer: Answer | undefined };

/**
 * One message per low answer in the workspace's alert channel, kept up to date as the
 * answer changes. Nothing here ever holds up recording an answer: a change is noted in the
 * store, and the message is posted or edited beside it, then again on every `retry` until
 * Slack took it. A card's message is posted at most once, across every instance.
 */
export class LowScoreAlerts {
  private readonly now: () => Date;

  constructor(private readonly parts: LowScoreAlertsParts) {
    this.now = parts.now ?? (() => new Date());
  }

  /** AnswerBook's hook: called once the changed answer is stored. Never throws. */
  async changed(teamId: string, _before: Answer | undefined, after: Answer): Promise<void> {
    const { store, settings, background, warn } = this.parts;
    try {
      if (after.test) return;
      const { alerts } = await settings.forWorkspace(teamId);
      // A card already posted is followed whatever its score is now: a rise is said too.
      if (!isLow(after, alerts) && !(await this.record(teamId, after.feedback_id))) return;
      await store.mark(PENDING, `${teamId}/${after.feedback_id}`);
      background(this.show(teamId, after.feedback_id).catch((error: Error) => warn(failed(error))));
    } catch (error) {
      warn(failed(error as Error));
    }
  }

  /** Every card whose message could not be brought up to date, tried again. */
  async retry(): Promise<void> {
    for (const member of await this.parts.store.members(PENDING)) {
      const [teamId, feedbackId] = split(member);
      await this.show(teamId, feedbackId).catch((error: Error) => this.parts.warn(failed(error)));
    }
  }

  /**
   * Someone in the alert channel pressed I'll follow up or Resolved: it is recorded and
   * shown. Once resolved, the alert takes no more presses. Answers whether anything changed.
   */
  act(teamId: string, feedbackId: string, userId: string, action: AlertAction): Promise<boolean> {
    return this.parts.lock(lockKey(teamId, feedbackId), async () => {
      const record = await this.record(teamId, feedbackId);
      if (!record?.ts || record.resolved) return false;
      const marked: AlertRecord = { ...record, [action]: { user_id: userId, at: this.now().toISOString() } };
      await this.parts.records.set({ teamId }, feedbackId, marked);
      await this.bringUpToDate(teamId, feedbackId, marked);
      return true;
    });
  }

  private record(teamId: string, feedbackId: string): Promise<AlertRecord | undefined> {
    return this.parts.records.get<AlertRecord>({ teamId }, feedbackId);
  }

  /**
   * Brings the card's message up to date. The card leaves the pending set once shown; an
   * answer that changed meanwhile, whose own try found the card busy, is shown in one more round.
   */
  private async show(teamId: string, feedbackId: string): Promise<void> {
    const { store, lock, answers } = this.parts;
    const member = `${teamId}/${feedbackId}`;
    for (let round = 0; round < ROUNDS; round++) {
      const shown = await lock(lockKey(teamId, feedbackId), () => this.once(teamId, feedbackId));
      if (!shown.settled) return;
      await store.unmark(PENDING, member);
      if (isDeepStrictEqual(await answers.answer(teamId, feedbackId), shown.answer)) return;
      await store.mark(PENDING, member);
    }
  }

  private async once(teamId: string, feedbackId: string): Promise<Shown> {
    const { records, store, settings, answers, messages, warn } = this.parts;
    const answer = await answers.answer(teamId, feedbackId);
    const record = await this.record(teamId, feedbackId);
    if (!answer || record?.unknown) return { settled: true, answer };
    if (record?.ts) {
      await this.bringUpToDate(teamId, feedbackId, record, answer);
      return { settled: true, answer };
    }
    const claim = `alert-post:${teamId}:${feedbackId}`;
    if (record) {
      // Another instance is posting it; or it stopped mid-way, and whether Slack posted is not known.
      if (!(await store.claim(claim, POSTING_MS))) return { settled: false };
      await records.set({ teamId }, feedbackId, { ...record, unknown: true });
      warn(`A low-score alert was being posted when its process stopped; it is not posted again (card ${feedbackId}).`);
      return { settled: true, answer };
    }
    const { alerts } = await settings.forWorkspace(teamId);
    if (!alerts || !answer.score || !isLow(answer, alerts)) return { settled: true, answer };
    if (!(await store.claim(claim, POSTING_MS))) return { settled: false };
    const started: AlertRecord = {
      channel: alerts.channel,
      first_score: answer.score.value,
      at_most: threshold(answer.type, alerts),
    };
    // Written before Slack is asked: whoever finds it without a ts knows a post was begun.
    await records.set({ teamId }, feedbackId, started);
    const content = await this.content(teamId, answer, started);
    let ts: string;
    try {
      ts = await messages.post(teamId, started.channel, content!);
    } catch (error) {
      if (error instanceof NotPosted) {
        await records.delete({ teamId }, feedbackId);
        await store.unclaim(claim);
        throw error;
      }
      await records.set({ teamId }, feedbackId, { ...started, unknown: true });
      warn(
        `Slack gave no answer to a low-score alert, which may or may not be posted; it is not posted again: ${(error as Error).message}`,
      );
      return { settled: true, answer };
    }
    await records.set({ teamId }, feedbackId, { ...started, ts, shown: content });
    return { settled: true, answer };
  }

  /** Edits the message when what it should show differs from what it shows. */
  private async bringUpToDate(teamId: string, feedbackId: string, record: AlertRecord, read?: Answer): Promise<void> {
    const answer = read ?? (await this.parts.answers.answer(teamId, feedbackId));
    if (!answer || !record.ts) return;
    const { alerts } = await this.parts.settings.forWorkspace(teamId);
    // The threshold the channel knows now; the one it was posted with once alerts are off.
    const atMost = alerts ? threshold(answer.type, alerts) : record.at_most;
    const content = await this.content(teamId, answer, { ...record, at_most: atMost });
    if (!content || isDeepStrictEqual(content, record.shown)) return;
    await this.parts.messages.update(teamId, record.channel, record.ts, content);
    await this.parts.records.set({ teamId }, feedbackId, { ...record, shown: content });
  }

  private async content(teamId: string, answer: Answer, record: Parameters<typeof alertContent>[1]) {
    const [send, accounts] = await Promise.all([this.parts.sends.sentCard(answer.feedback_id), this.parts.accounts.list(teamId)]);
    const account = accounts.find((a) => a.user_id === answer.from_user_id);
    return alertContent(answer, record, {
      account: account?.screen_name ? `@${account.screen_name}` : answer.from_user_id,
      // Only the workspace that sent the card has its thread.
      thread: send?.team_id === teamId ? send.thread : undefined,
    });
  }
}

function lockKey(teamId: string, feedbackId: string): string {
  return `alert:${teamId}:${feedbackId}`;
}

function split(member: string): [string, string] {
  const slash = member.indexOf('/');
  return [member.slice(0, slash), member.slice(slash + 1)];
}

function failed(error: Error): string {
  return `Could not post or edit a low-score alert: ${error.message}`;
}
