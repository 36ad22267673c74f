import { randomUUID } from 'node:crypto';
import type { RawDraft } from '../domain/feedback-request.js';
import { DAY_MS } from '../domain/limits.js';
import type { Records, Store } from '../store/store.js';

export interface PendingConfirmation {
  user_id: string;
  draft: RawDraft;
  channel_id?: string;
  /** The command's own response_url, for the modal that Edit opens. */
  response_url?: string;
}

/** A one-line command's confirmation can be clicked for a working day. */
const LIFETIME_MS = DAY_MS / 2;

/** A workspace's confirmations, as `<expiry>/<id>`, so that erasing a customer finds those about them. */
function listed(teamId: string): string {
  return `confirmations:${teamId}`;
}

type Marks = Pick<Store, 'mark' | 'unmark' | 'members'>;

/**
 * One-line commands waiting for the agent's Send or Edit. The button carries only a random
 * id: the draft stays on the server, so a forged click cannot send anything of its own.
 */
export class Confirmations {
  constructor(
    private readonly records: Records,
    /** Without it, confirmations cannot be found by customer (forget). */
    private readonly marks?: Marks,
    private readonly now: () => number = Date.now,
  ) {}

  async save(teamId: string, pending: PendingConfirmation): Promise<string> {
    const id = randomUUID();
    await this.records.set({ teamId }, id, pending, LIFETIME_MS);
    await this.marks?.mark(listed(teamId), `${this.now() + LIFETIME_MS}/${id}`);
    return id;
  }

  load(teamId: string, id: string): Promise<PendingConfirmation | undefined> {
    return this.records.get({ teamId }, id);
  }

  /**
   * Deletes the workspace's confirmations whose draft `about` accepts; the list loses the
   * expired ones as it is read. Answers how many were deleted.
   */
  async forget(teamId: string, about: (draft: RawDraft) => boolean): Promise<number> {
    if (!this.marks) return 0;
    let deleted = 0;
    for (const member of await this.marks.members(listed(teamId))) {
      const slash = member.indexOf('/');
      const id = member.slice(slash + 1);
      const pending = Number(member.slice(0, slash)) > this.now() ? await this.load(teamId, id) : undefined;
      if (pending && !about(pending.draft)) continue;
      if (pending && (await this.records.delete({ teamId }, id))) deleted++;
      await this.marks.unmark(listed(teamId), member);
    }
    return deleted;
  }
}
