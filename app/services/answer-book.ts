import { isDeepStrictEqual } from 'node:util';
import { type Answer, type AnswerEvent, merge, type SendFacts, withSendFacts } from '../domain/answers.js';
import { inPeriod, type Period } from '../domain/export-period.js';
import {
  type Counters,
  type Day,
  dayOf,
  daysBack,
  delta,
  report,
  type Report,
  sliceDelta,
  TREND_WEEKS,
  type WindowDays,
} from '../domain/results.js';
import { parseTwitterTime } from '../domain/twitter-time.js';
import type { Workspace } from '../domain/workspace.js';
import type { Lock } from '../store/lock.js';
import type { Records, Store } from '../store/store.js';
import type { AnswerSink } from './answer-sink.js';
import { addToDay, addToSlices, dayCounters, readCounters } from './day-counters.js';
import { answerFacts, indexAnswer, keptOn, unindex } from './record-index.js';
import type { SendLog, SendRecord } from './send-log.js';

export interface AnswerBookParts {
  /** The `answers` records: each workspace keeps its own copy of each card's answer. */
  records: Records;
  store: Pick<Store, 'increment' | 'counters' | 'mark' | 'unmark' | 'members'>;
  lock: Lock;
  sends: Pick<SendLog, 'sentCard'>;
  accounts: {
    /** Every workspace that has the business account connected: answers to cards sent by other tools go to each. */
    workspacesWith(userId: string): Promise<Workspace[]>;
    /** The business accounts a workspace has connected now: it is shown answers to their cards only. */
    connected(teamId: string): Promise<string[]>;
  };
  /** Told of each change to a workspace's answer once it is stored and counted; it reports its own failures. */
  changed?(teamId: string, before: Answer | undefined, after: Answer): Promise<void>;
  /** An answer the workspace asked the app to forget, which Twitter may still report: it is not stored again. */
  forgotten?(teamId: string, answer: Answer): Promise<boolean>;
}

/** Answers an export reads at once. */
const READ_AHEAD = 50;

/** The card ids a workspace has answers for, so that its answers can be listed. */
function answered(teamId: string): string {
  return `answers:${teamId}`;
}

/** How many of the newest comments Results shows. */
export const LATEST_COMMENTS = 20;

/**
 * How many commented answers each workspace keeps at hand for it: the newest, by when the comment was written. Twice
 * as many as are shown, for those of accounts since disconnected, and so that two answers trimming the set at once
 * never drop one that belongs among the newest shown.
 */
const COMMENTS_KEPT = 2 * LATEST_COMMENTS;

/** The workspace's newest commented answers, as a set whose members sort by when the comment was written. */
function commented(teamId: string): string {
  return `latest-comments:${teamId}`;
}

/** An answer's member of that set, when it has a comment to show (test cards' never are). */
function commentEntry(answer: Answer | undefined): string | undefined {
  if (!answer?.text || answer.test || answer.text.value.trim() === '') return undefined;
  const ms = Math.max(0, parseTwitterTime(answer.text.created_at) ?? 0);
  return `${String(ms).padStart(16, '0')}/${answer.feedback_id}`;
}

/** What the app's send record adds to an answer: who sent it, for which ticket, as which business. */
function fromSend(record: SendRecord): { facts: SendFacts; card: Partial<Answer> } {
  return {
    facts: {
      source: 'app',
      team: record.team_id,
      agent: record.agent_id,
      ...(record.recipient.handle ? { customer_handle: record.recipient.handle } : {}),
    },
    card: {
      from_user_id: record.account_id,
      to_user_id: record.request.to_user_id,
      question_variant_id: String(record.request.question_variant_id),
      ...(record.request.external_id ? { external_id: record.request.external_id } : {}),
    },
  };
}

/**
 * Keeps one answer per card in each workspace it belongs to, and that workspace's day
 * counters equal to the sum of its answers: every event is merged under the card's lock,
 * and only the change it makes is counted, so repeated, late or reordered events, from
 * whichever path, never count twice.
 */
export class AnswerBook implements AnswerSink {
  constructor(private readonly parts: AnswerBookParts) {}

  async record(event: AnswerEvent): Promise<void> {
    const { records, store, lock, sends, accounts } = this.parts;
    await lock(`answer:${event.feedback_id}`, async () => {
      const sent = await sends.sentCard(event.feedback_id);
      const join = sent ? fromSend(sent) : { facts: { source: 'outside' } as SendFacts, card: {} };
      const teams = sent
        ? [sent.team_id]
        : event.from_user_id
          ? (await accounts.workspacesWith(event.from_user_id)).map((w) => w.teamId)
          : [];
      for (const teamId of teams) {
        const before = await records.get<Answer>({ teamId }, event.feedback_id);
        // What Twitter says of the card stands; the send record fills only what it left out.
        const after = withSendFacts({ ...join.card, ...merge(before, event) }, join.facts);
        if (isDeepStrictEqual(before, after)) continue;
        if (!before && (await this.parts.forgotten?.(teamId, after))) continue;
        await store.mark(answered(teamId), event.feedback_id);
        if (!before) await indexAnswer(store, teamId, after);
        await records.set({ teamId }, event.feedback_id, after);
        await this.count(teamId, before, after);
        await this.parts.changed?.(teamId, before, after);
      }
    });
  }

  /** The answer to one card, if the workspace may see it. */
  async answer(teamId: string, feedbackId: string): Promise<Answer | undefined> {
    const answer = await this.parts.records.get<Answer>({ teamId }, feedbackId);
    if (!answer) return undefined;
    return (await this.visible(teamId))(answer) ? answer : undefined;
  }

  /** The workspace's answers, to cards of the business accounts it has connected now. */
  async *answers(teamId: string): AsyncIterable<Answer> {
    const shown = await this.visible(teamId);
    for (const feedbackId of await this.parts.store.members(answered(teamId))) {
      const answer = await this.parts.records.get<Answer>({ teamId }, feedbackId);
      if (answer && shown(answer)) yield answer;
    }
  }

  /** The workspace's answers to cards sent in `period`, read a day at a time: an export of any length holds one day's ids. */
  async *answersIn(teamId: string, period: Period): AsyncIterable<Answer> {
    const shown = await this.visible(teamId);
    for (let ms = Date.parse(`${period.from}T00:00:00Z`); dayOf(ms) <= period.to; ms += 24 * 60 * 60 * 1000) {
      const ids = (await this.parts.store.members(keptOn(teamId, dayOf(ms))))
        .filter((member) => member.startsWith('answer/'))
        .map((member) => member.slice('answer/'.length));
      // A few reads under way at once: one at a time, each waits out the database's round trip.
      for (let i = 0; i < ids.length; i += READ_AHEAD) {
        const answers = await Promise.all(
          ids.slice(i, i + READ_AHEAD).map((id) => this.parts.records.get<Answer>({ teamId }, id)),
        );
        for (const answer of answers) if (answer && shown(answer) && inPeriod(answer, period)) yield answer;
      }
    }
  }

  /**
   * Deletes the workspace's answer to one card, with its place in every list, and takes what it
   * added out of the day counters, under the card's lock as every change to it is made.
   */
  async erase(teamId: string, feedbackId: string): Promise<Answer | undefined> {
    const { records, store, lock } = this.parts;
    return lock(`answer:${feedbackId}`, async () => {
      const answer = await records.get<Answer>({ teamId }, feedbackId);
      if (!answer) return undefined;
      await records.delete({ teamId }, feedbackId);
      await Promise.all([
        this.count(teamId, answer, undefined),
        store.unmark(answered(teamId), feedbackId),
        unindex(store, teamId, `answer/${feedbackId}`, answerFacts(answer)),
      ]);
      return answer;
    });
  }

  /** Moves what `before` added to the counters, the breakdowns and the comments index over to what `after` adds. */
  private async count(teamId: string, before: Answer | undefined, after: Answer | undefined): Promise<void> {
    const { store } = this.parts;
    await Promise.all([
      ...delta(before, after).map(({ day, counters }) => addToDay(store, teamId, day, counters)),
      addToSlices(store, teamId, sliceDelta(before, after)),
      this.indexComment(teamId, commentEntry(before), commentEntry(after)),
    ]);
  }

  /** The workspace's counters of each day asked for (UTC days, the day each card was sent). */
  counters(teamId: string, days: readonly Day[]): Promise<Map<Day, Counters>> {
    return dayCounters(this.parts.store, teamId, days);
  }

  /**
   * Results for the `window` days ending on `end`: read from the day counters and the comments index, never from
   * the answers themselves, so opening it costs the same whatever the number of answers.
   */
  async results(teamId: string, window: WindowDays, end: Day): Promise<{ report: Report; comments: Answer[] }> {
    const [counters, comments] = await Promise.all([
      readCounters(this.parts.store, teamId, daysBack(end, TREND_WEEKS * 7), daysBack(end, window)),
      this.latestComments(teamId),
    ]);
    return { report: report(counters.byDay, counters.slices, end, window), comments };
  }

  /** The newest commented answers the workspace may see, newest first. */
  async latestComments(teamId: string, limit = LATEST_COMMENTS): Promise<Answer[]> {
    const newestFirst = (await this.parts.store.members(commented(teamId))).sort().reverse().slice(0, limit);
    const [shown, found] = await Promise.all([
      this.visible(teamId),
      Promise.all(newestFirst.map((m) => this.parts.records.get<Answer>({ teamId }, m.slice(m.indexOf('/') + 1)))),
    ]);
    // A member whose answer was deleted, or lost its comment meanwhile, is passed over.
    return found.filter((a): a is Answer => a !== undefined && shown(a) && commentEntry(a) !== undefined);
  }

  /** Moves the answer's place in the comments index, and keeps the index to the newest COMMENTS_KEPT. */
  private async indexComment(teamId: string, was: string | undefined, is: string | undefined): Promise<void> {
    if (was === is) return;
    const { store } = this.parts;
    const set = commented(teamId);
    // One place per card at any moment, the old one gone first: another answer trimming meanwhile sees no card twice.
    if (was) await store.unmark(set, was);
    if (!is) return;
    await store.mark(set, is);
    const older = (await store.members(set)).sort().reverse().slice(COMMENTS_KEPT);
    await Promise.all(older.map((member) => store.unmark(set, member)));
  }

  private async visible(teamId: string): Promise<(answer: Answer) => boolean> {
    const connected = new Set(await this.parts.accounts.connected(teamId));
    return (answer) => answer.from_user_id !== undefined && connected.has(answer.from_user_id);
  }
}
