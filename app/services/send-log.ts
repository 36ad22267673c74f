import { randomUUID } from 'node:crypto';
import type { FeedbackRequest } from '../domain/feedback-request.js';
import { type Counters, dayOf, ONE_SENT, sentSlices, subtract, ZERO, type Day } from '../domain/results.js';
import { parseTwitterTime } from '../domain/twitter-time.js';
import type { Records, Store } from '../store/store.js';
import { addToDay, addToSlices } from './day-counters.js';
import { indexSend, sendFacts, unindex } from './record-index.js';
import type { Prepared, Recipient, SendResult } from './feedback-relay.js';
import type { Reservation } from './send-limits.js';

/** One feedback request as the app sent (or tried to send) it. Never holds a score. */
export interface SendRecord {
  id: string;
  team_id: string;
  agent_id: string;
  account_id: string;
  created_at: string;
  updated_at: string;
  status: 'pending' | SendResult['status'];
  request: FeedbackRequest;
  recipient: Recipient;
  /** The limit places it holds: given back if the agent sends it again after an unknown outcome. */
  reservation: Reservation;
  /** Where the agent can still be told privately, while Slack keeps the URL alive. */
  response_url?: string;
  /** The ticket thread the request was made from: low-score alerts link back to it. */
  thread?: SlackThread;
  feedback_id?: string;
  reason?: string;
  /** The day a sent card counts under in the day counters, so that erasing it takes away what it added. */
  sent_day?: Day;
}

export interface SlackThread {
  channel_id: string;
  thread_ts: string;
}

/** How many of an agent's requests App Home can show. */
const RECENT_PER_AGENT = 20;
const PENDING = 'pending-sends';

/**
 * The send a card came from, found by Twitter's id alone when its answer arrives: a set
 * with one member, `team/send id`, as no workspace is known yet.
 */
function cardSend(feedbackId: string): string {
  return `card-send:${feedbackId}`;
}

/**
 * An agent's sends, as a set each instance adds to in one step (a list read and written
 * whole would lose one of two sends begun at once); its members sort by when they began.
 */
function agentSends(teamId: string, agentId: string): string {
  return `agent-sends:${teamId}:${agentId}`;
}

/**
 * Every send is written down, durably, before Twitter is called and settled after. What
 * is still pending after a crash is found again (`pending`) and never silently lost.
 */
export class SendLog {
  constructor(
    private readonly records: Records,
    private readonly marks: Pick<Store, 'mark' | 'unmark' | 'members' | 'increment' | 'counters'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async begin(
    teamId: string,
    agentId: string,
    accountId: string,
    { request, recipient }: Prepared,
    reservation: Reservation,
    responseUrl?: string,
    thread?: SlackThread,
    /** Given by a caller that must find the record again after a crash, by what it already knows. */
    id: string = randomUUID(),
  ): Promise<SendRecord> {
    const at = this.now().toISOString();
    const record: SendRecord = {
      id,
      team_id: teamId,
      agent_id: agentId,
      account_id: accountId,
      created_at: at,
      updated_at: at,
      status: 'pending',
      request,
      recipient,
      reservation,
      ...(responseUrl ? { response_url: responseUrl } : {}),
      ...(thread ? { thread } : {}),
    };
    // The record first: a pending mark without its record is taken for a leftover and removed.
    await this.records.set({ teamId }, `send-${record.id}`, record);
    await Promise.all([
      this.marks.mark(PENDING, `${teamId}/${record.id}`),
      this.marks.mark(agentSends(teamId, agentId), `${at}/${record.id}`),
      indexSend(this.marks, record),
    ]);
    return record;
  }

  async settle(record: SendRecord, result: Pick<SendResult, 'status'> & Partial<SendResult>): Promise<SendRecord> {
    const sentAt = ('feedback' in result && parseTwitterTime(result.feedback?.created_at ?? '')) || this.now().getTime();
    const counted = record.status === 'pending' && result.status === 'sent' && !record.request.test;
    const settled: SendRecord = {
      ...record,
      status: result.status,
      updated_at: this.now().toISOString(),
      ...('feedback' in result && result.feedback ? { feedback_id: result.feedback.id } : {}),
      ...('explanation' in result && result.explanation ? { reason: result.explanation.reason } : {}),
      ...(counted ? { sent_day: dayOf(sentAt) } : {}),
    };
    await this.records.set({ teamId: record.team_id }, `send-${record.id}`, settled);
    // Side by side, as the agent waits for the outcome; the pending mark goes only once both are written.
    await Promise.all([
      settled.feedback_id && this.marks.mark(cardSend(settled.feedback_id), `${record.team_id}/${record.id}`),
      // Counted once, by whoever settles the pending send, on the day the card was sent, as its answer will be.
      counted && this.countSent(settled, dayOf(sentAt), ONE_SENT),
    ]);
    await this.marks.unmark(PENDING, `${record.team_id}/${record.id}`);
    return settled;
  }

  /** In the workspace's counters, and its agent's and question's, so that each has a response rate. */
  /** `counters` is ONE_SENT when the card is sent, its opposite when its record is deleted. */
  private async countSent(record: SendRecord, day: string, counters: Counters): Promise<void> {
    const { type, question_variant_id } = record.request;
    await Promise.all([
      addToDay(this.marks, record.team_id, day, counters),
      addToSlices(this.marks, record.team_id, sentSlices(day, record.agent_id, type, question_variant_id, counters)),
    ]);
  }

  /** The settled send that created the card `feedbackId`; none for a card sent by another tool. */
  async sentCard(feedbackId: string): Promise<SendRecord | undefined> {
    const [member] = await this.marks.members(cardSend(feedbackId));
    if (!member) return undefined;
    const [teamId, id] = member.split('/');
    return this.get(teamId, id);
  }

  get(teamId: string, id: string): Promise<SendRecord | undefined> {
    return this.records.get<SendRecord>({ teamId }, `send-${id}`);
  }

  /**
   * Deletes a send record with every mark that names it, and takes its card out of the day
   * counters; answers the record, or undefined when there was none. Two callers erasing one
   * record must hold one lock: only the record tells what to take away.
   */
  async erase(teamId: string, id: string): Promise<SendRecord | undefined> {
    const record = await this.get(teamId, id);
    if (!record) return undefined;
    await this.records.delete({ teamId }, `send-${id}`);
    const member = `${teamId}/${id}`;
    await Promise.all([
      record.feedback_id && this.marks.unmark(cardSend(record.feedback_id), member),
      this.marks.unmark(agentSends(teamId, record.agent_id), `${record.created_at}/${id}`),
      this.marks.unmark(PENDING, member),
      // A record settled before sent_day was kept: the day it was settled, the card's day but for a card sent at midnight.
      record.status === 'sent' &&
        !record.request.test &&
        this.countSent(record, record.sent_day ?? record.updated_at.slice(0, 10), subtract(ZERO, ONE_SENT)),
      unindex(this.marks, teamId, `send/${id}`, sendFacts(record)),
    ]);
    return record;
  }

  async recent(teamId: string, agentId: string, limit = 10): Promise<SendRecord[]> {
    const set = agentSends(teamId, agentId);
    const newestFirst = (await this.marks.members(set)).sort().reverse();
    // Only the newest are ever shown: older ones leave the set as they are passed over.
    const kept = newestFirst.slice(0, RECENT_PER_AGENT);
    await Promise.all(newestFirst.slice(RECENT_PER_AGENT).map((member) => this.marks.unmark(set, member)));
    const ids = kept.slice(0, limit).map((member) => member.slice(member.lastIndexOf('/') + 1));
    const found = await Promise.all(ids.map((id) => this.get(teamId, id)));
    return found.filter((r): r is SendRecord => r !== undefined);
  }

  /** Sends begun more than `olderThanMs` ago and never settled: their process stopped mid-way. */
  async pending(olderThanMs: number): Promise<SendRecord[]> {
    const cutoff = this.now().getTime() - olderThanMs;
    const found = await Promise.all(
      (await this.marks.members(PENDING)).map(async (member) => {
        const [teamId, id] = member.split('/');
        const record = await this.get(teamId, id);
        // Gone, or settled by a process that stopped before it took the mark away.
        if (record?.status === 'pending') return record;
        await this.marks.unmark(PENDING, member);
        return undefined;
      }),
    );
    return found.filter((r): r is SendRecord => r !== undefined && Date.parse(r.created_at) <= cutoff);
  }
}
