import { randomUUID } from 'node:crypto';
import type { RawDraft } from '../domain/feedback-request.js';
import { DAY_MS } from '../domain/limits.js';
import type { Records } from '../store/store.js';

export interface PendingConfirmation {
  user_id: string;
  draft: RawDraft;
  channel_id?: string;
  /** The command's own response_url, for the modal that Edit opens. */
  response_url?: string;
}

/** A one-line command's confirmation can be clicked for a working day. */
const LIFETIME_MS = DAY_MS / 2;

/**
 * One-line commands waiting for the agent's Send or Edit. The button carries only a random
 * id: the draft stays on the server, so a forged click cannot send anything of its own.
 */
export class Confirmations {
  constructor(private readonly records: Records) {}

  async save(teamId: string, pending: PendingConfirmation): Promise<string> {
    const id = randomUUID();
    await this.records.set({ teamId }, id, pending, LIFETIME_MS);
    return id;
  }

  load(teamId: string, id: string): Promise<PendingConfirmation | undefined> {
    return this.records.get({ teamId }, id);
  }
}
