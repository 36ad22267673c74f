import { createHash } from 'node:crypto';
import type { Answer } from '../domain/answers.js';
import { answerDay, type Day } from '../domain/results.js';
import type { Store } from '../store/store.js';

/*
 * Where a workspace's answers and send records are listed, so that they can be found again
 * without reading them all: by the day they belong to (retention deletes whole days, and an
 * export reads only its period's days) and by the customer they are about (erasure).
 * Members name a record as `answer/<feedback id>` or `send/<send id>`.
 */

/** What the index reads of a send record (send-log.ts keeps the whole record). */
export interface IndexedSend {
  id: string;
  team_id: string;
  created_at: string;
  request: { to_user_id: string };
  recipient: { handle?: string };
}

export type Indexed = `answer/${string}` | `send/${string}`;

type Marks = Pick<Store, 'mark' | 'unmark'>;

/** The days a workspace has records filed under, so that retention need not guess where the oldest are. */
export function keptDays(teamId: string): string {
  return `kept-days:${teamId}`;
}

/** The records of one workspace filed under one UTC day. */
export function keptOn(teamId: string, day: Day): string {
  return `kept:${teamId}:${day}`;
}

/** A customer, by Twitter user id or by `@handle` (in lower case, as Twitter matches handles). */
export function customerKey(customer: { id: string } | { handle: string }): string {
  return 'id' in customer ? customer.id : `@${customer.handle.toLowerCase()}`;
}

/** The records of one workspace about one customer. */
export function about(teamId: string, customer: string): string {
  return `about:${teamId}:${customer}`;
}

/** A customer as a tombstone names them: a hash, so that the list of the forgotten is not a list of ids. */
export function customerHash(customerId: string): string {
  return createHash('sha256').update(`forgotten customer ${customerId}`).digest('hex');
}

/** The day an answer is filed under: its card's, as the counters file it. */
export function answerFacts(answer: Answer): { day: Day; customers: string[] } {
  return {
    day: answerDay(answer),
    customers: [
      ...(answer.to_user_id ? [customerKey({ id: answer.to_user_id })] : []),
      ...(answer.customer_handle ? [customerKey({ handle: answer.customer_handle })] : []),
    ],
  };
}

/** The day a send is filed under: the day it began. */
export function sendFacts(record: IndexedSend): { day: Day; customers: string[] } {
  return {
    day: record.created_at.slice(0, 10),
    customers: [
      customerKey({ id: record.request.to_user_id }),
      ...(record.recipient.handle ? [customerKey({ handle: record.recipient.handle })] : []),
    ],
  };
}

async function each(
  marks: Marks,
  how: 'mark' | 'unmark',
  teamId: string,
  member: Indexed,
  facts: { day: Day; customers: string[] },
): Promise<void> {
  const sets = [keptOn(teamId, facts.day), ...facts.customers.map((customer) => about(teamId, customer))];
  await Promise.all(sets.map((set) => marks[how](set, member)));
}

export async function indexAnswer(marks: Marks, teamId: string, answer: Answer): Promise<void> {
  const facts = answerFacts(answer);
  await Promise.all([
    marks.mark(keptDays(teamId), facts.day),
    each(marks, 'mark', teamId, `answer/${answer.feedback_id}`, facts),
  ]);
}

export async function indexSend(marks: Marks, record: IndexedSend): Promise<void> {
  const facts = sendFacts(record);
  await Promise.all([
    marks.mark(keptDays(record.team_id), facts.day),
    each(marks, 'mark', record.team_id, `send/${record.id}`, facts),
  ]);
}

/** Takes a deleted record out of every list it was in; the day stays listed until retention finds it empty. */
export function unindex(marks: Marks, teamId: string, member: Indexed, facts: { day: Day; customers: string[] }): Promise<void> {
  return each(marks, 'unmark', teamId, member, facts);
}
