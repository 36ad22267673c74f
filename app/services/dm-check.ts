import { randomUUID } from 'node:crypto';
import { explain } from './twitter-outcome.js';
import { workspaceId, type Workspace } from '../domain/workspace.js';
import type { Records, Store } from '../store/store.js';
import type { TwitterClient } from '../twitter/client.js';
import { isRateLimited, type TwitterTokens } from '../twitter/wire.js';

/** Twitter allows friendships/show 180 times per account in 15 minutes. */
export const DM_CHECK_BUDGET = 180;
const WINDOW_MS = 15 * 60 * 1000;

/** `closed` only on Twitter's word; `unchecked` when the check was skipped or failed. */
export type DmCheckResult = 'open' | 'closed' | 'unchecked';

/** The business account as the check needs it. */
export interface CheckingAccount {
  user_id: string;
  screen_name: string;
  tokens: TwitterTokens;
}

/**
 * Asks Twitter whether a customer accepts Direct Messages from the business before a
 * feedback request is spent on them. The check only ever spares a request: whenever it
 * cannot be made (its budget is spent, Twitter paused it, failed or was slow) the send goes
 * on, and feedback/create gives Twitter's answer itself.
 */
export class DmCheck {
  private readonly pauses: Records;
  private readonly budget: number;

  /** `budget` stands in for Twitter's 180 where a smaller number is wanted. */
  constructor(
    private readonly twitter: TwitterClient,
    private readonly store: Pick<Store, 'reserve' | 'records'>,
    private readonly warn: (message: string) => void,
    options: { budget?: number } = {},
  ) {
    this.pauses = store.records('dm-check-pauses');
    this.budget = options.budget ?? DM_CHECK_BUDGET;
  }

  async check(workspace: Workspace, account: CheckingAccount, customerId: string, timeoutMs: number): Promise<DmCheckResult> {
    const skipped = (why: string): DmCheckResult => {
      this.warn(`Sending as @${account.screen_name} without checking that the customer accepts Direct Messages: ${why}`);
      return 'unchecked';
    };
    try {
      const now = Date.now();
      const pausedUntil = await this.pauses.get<number>(workspace, account.user_id);
      if (pausedUntil !== undefined && pausedUntil > now) {
        return skipped(`Twitter paused the check until ${new Date(pausedUntil).toISOString()}.`);
      }
      if (timeoutMs <= 0) return skipped('no time was left to ask Twitter before Slack needs an answer.');
      // Counted in the store, so that every instance sharing it keeps within one budget.
      const key = `dm-check:account:${workspaceId(workspace)}:${account.user_id}`;
      const place = await this.store.reserve(key, this.budget, WINDOW_MS, now, randomUUID());
      if (!place.ok) return skipped(`its ${this.budget} checks in 15 minutes are spent.`);

      const answer = await this.twitter.canDm(account.tokens, account.user_id, customerId, timeoutMs);
      if (answer.rateLimit?.remaining === 0) await this.pause(workspace, account.user_id, answer.rateLimit.resetAt);
      if (answer.ok) return answer.data ? 'open' : 'closed';
      const { failure } = answer;
      if (failure.kind === 'refused' && isRateLimited(failure)) {
        await this.pause(workspace, account.user_id, failure.resetAt ?? new Date(now + WINDOW_MS));
      }
      return skipped(failure.kind === 'refused' ? explain(failure).reason : failure.detail);
    } catch (error) {
      // The store failing here must not stop a send the rest of the path can still make.
      return skipped(`the store failed (${error instanceof Error ? error.message : String(error)}).`);
    }
  }

  /** Twitter's window is its own: the check waits for its reset, whatever the budget says. */
  private async pause(workspace: Workspace, accountId: string, until: Date): Promise<void> {
    const ttlMs = until.getTime() - Date.now();
    if (ttlMs > 0) await this.pauses.set(workspace, accountId, until.getTime(), ttlMs);
  }
}
