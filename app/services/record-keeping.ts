import type { Answer } from '../domain/answers.js';
import type { RecipientInput } from '../domain/feedback-request.js';
import { dayOf, type Day } from '../domain/results.js';
import { parseTwitterTime } from '../domain/twitter-time.js';
import type { WorkspaceSettings } from '../domain/workspace-settings.js';
import type { Lock } from '../store/lock.js';
import type { Records, Store } from '../store/store.js';
import type { AnswerBook } from './answer-book.js';
import type { Confirmations } from './confirmations.js';
import { about, customerHash, customerKey, type Indexed, keptDays, keptOn } from './record-index.js';
import type { SendLog } from './send-log.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Records one retention run deletes at most per workspace: a backlog is worked off run by run. */
export const RETENTION_BATCH = 1_000;
/** Long enough for a batch; another instance takes a workspace over once it has passed. */
const LEASE_MS = 5 * 60 * 1000;

export interface Forgotten {
  answers: number;
  sends: number;
  confirmations: number;
}

export interface RecordKeepingParts {
  store: Pick<Store, 'members' | 'unmark' | 'claim' | 'unclaim'>;
  /** Tombstones of forgotten customers, by hash: Twitter may report their earlier cards again. */
  forgotten: Records;
  lock: Lock;
  answers: Pick<AnswerBook, 'erase'>;
  sends: Pick<SendLog, 'erase'>;
  confirmations: Pick<Confirmations, 'forget'>;
  settings: { forWorkspace(teamId: string): Promise<Pick<WorkspaceSettings, 'retention_days'>> };
  /** Every workspace whose records retention looks after. */
  teams(): Promise<string[]>;
  warn(message: string): void;
  now?: () => number;
  batch?: number;
}

/**
 * What the app keeps, and for how long: answers and send records past the workspace's
 * retention are deleted a batch at a time, and a customer can be forgotten at once. Every
 * deletion takes away what the record added to the day counters, so the figures always
 * match what is kept.
 */
export class RecordKeeping {
  private readonly now: () => number;

  constructor(private readonly parts: RecordKeepingParts) {
    this.now = parts.now ?? Date.now;
  }

  /** One retention run over every workspace, each on its own lease, so that two instances never erase one record twice. */
  async run(): Promise<number> {
    let deleted = 0;
    for (const teamId of await this.parts.teams()) {
      const lease = `retention-lease:${teamId}`;
      if (!(await this.parts.store.claim(lease, LEASE_MS))) continue;
      try {
        const { retention_days } = await this.parts.settings.forWorkspace(teamId);
        deleted += await this.expire(teamId, retention_days);
      } catch (error) {
        // One workspace's failure leaves the others' retention to go on.
        this.parts.warn(`Could not delete the records of workspace ${teamId} past their retention: ${(error as Error).message}`);
      } finally {
        await this.parts.store.unclaim(lease);
      }
    }
    return deleted;
  }

  /** Deletes up to a batch of the workspace's records filed under days more than `retentionDays` ago; answers how many. */
  async expire(teamId: string, retentionDays: number): Promise<number> {
    const { store, confirmations } = this.parts;
    // Kept: today and the retentionDays - 1 days before it.
    const firstKept = dayOf(this.now() - (retentionDays - 1) * DAY_MS);
    let budget = this.parts.batch ?? RETENTION_BATCH;
    let deleted = 0;
    const days = (await store.members(keptDays(teamId))).filter((day) => day < firstKept);
    for (const day of days) {
      const members = (await store.members(keptOn(teamId, day))) as Indexed[];
      for (const member of members.slice(0, budget)) {
        if (await this.erase(teamId, member, day)) deleted++;
      }
      budget -= Math.min(budget, members.length);
      if (budget === 0) break;
      await store.unmark(keptDays(teamId), day);
    }
    // Expired confirmations leave the list the erasure reads.
    await confirmations.forget(teamId, () => false);
    return deleted;
  }

  /**
   * Deletes every record of the workspace about one customer: answers to their cards, send
   * records of requests to them, and confirmations waiting to ask them. A handle also finds
   * what was filed under the user id the handle's records name.
   */
  async forget(teamId: string, customer: RecipientInput, retentionDays: number): Promise<Forgotten> {
    const { store, forgotten, confirmations } = this.parts;
    const given = customer.kind === 'id' ? customerKey({ id: customer.id }) : customerKey({ handle: customer.screen_name });
    const keys = new Set([given]);
    const ids = new Set(customer.kind === 'id' ? [customer.id] : []);
    const handles = new Set(customer.kind === 'handle' ? [customer.screen_name.toLowerCase()] : []);
    const count: Forgotten = { answers: 0, sends: 0, confirmations: 0 };
    for (const key of keys) {
      for (const member of (await store.members(about(teamId, key))) as Indexed[]) {
        const erased = await this.erase(teamId, member);
        if (!erased) {
          await store.unmark(about(teamId, key), member);
          continue;
        }
        const named = 'request' in erased ? erased.request.to_user_id : erased.to_user_id;
        const handle = 'request' in erased ? erased.recipient.handle : erased.customer_handle;
        for (const id of named ? [named] : []) {
          ids.add(id);
          keys.add(customerKey({ id }));
        }
        if (handle) handles.add(handle.toLowerCase());
        if ('request' in erased) count.sends++;
        else count.answers++;
      }
    }
    count.confirmations = await confirmations.forget(teamId, (draft) => {
      const named = (draft.to_user_id ?? '').trim().replace(/^@/, '').toLowerCase();
      return ids.has(named) || handles.has(named);
    });
    // Twitter goes on reporting the customer's earlier cards (their answers change, the daily
    // read comes a day late): for as long as records are kept, none of them is stored again.
    const at = this.now();
    for (const id of ids) await forgotten.set({ teamId }, customerHash(id), at, retentionDays * DAY_MS);
    return count;
  }

  /** Whether the answer is to a card sent before its customer was forgotten in the workspace. */
  async isForgotten(teamId: string, answer: Answer): Promise<boolean> {
    if (!answer.to_user_id) return false;
    const at = await this.parts.forgotten.get<number>({ teamId }, customerHash(answer.to_user_id));
    return at !== undefined && (parseTwitterTime(answer.created_at) ?? 0) <= at;
  }

  /** Erases one listed record under its lock; `day` set: its day's list loses the member even when the record is gone. */
  private async erase(teamId: string, member: Indexed, day?: Day) {
    const slash = member.indexOf('/');
    const [kind, id] = [member.slice(0, slash), member.slice(slash + 1)];
    const erased =
      kind === 'answer'
        ? await this.parts.answers.erase(teamId, id)
        : await this.parts.lock(`send-record:${teamId}:${id}`, () => this.parts.sends.erase(teamId, id));
    if (!erased && day) await this.parts.store.unmark(keptOn(teamId, day), member);
    return erased;
  }
}
