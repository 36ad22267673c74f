import { isDeepStrictEqual } from 'node:util';
import { type Answer, type AnswerEvent, merge, type SendFacts, withSendFacts } from '../domain/answers.js';
import { inPeriod, type Period } from '../domain/export-period.js';
import { contribution, type Counters, type Day, dayOf, delta, subtract, ZERO } from '../domain/results.js';
import type { Workspace } from '../domain/workspace.js';
import type { Lock } from '../store/lock.js';
import type { Records, Store } from '../store/store.js';
import type { AnswerSink } from './answer-sink.js';
import { addToDay, dayCounters } from './day-counters.js';
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
        for (const { day, counters } of delta(before, after)) await addToDay(store, teamId, day, counters);
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
      const { day, counters } = contribution(answer);
      await Promise.all([
        addToDay(store, teamId, day, subtract(ZERO, counters)),
        store.unmark(answered(teamId), feedbackId),
        unindex(store, teamId, `answer/${feedbackId}`, answerFacts(answer)),
      ]);
      return answer;
    });
  }

  /** The workspace's counters of each day asked for (UTC days, the day each card was sent). */
  counters(teamId: string, days: readonly Day[]): Promise<Map<Day, Counters>> {
    return dayCounters(this.parts.store, teamId, days);
  }

  private async visible(teamId: string): Promise<(answer: Answer) => boolean> {
    const connected = new Set(await this.parts.accounts.connected(teamId));
    return (answer) => answer.from_user_id !== undefined && connected.has(answer.from_user_id);
  }
}
