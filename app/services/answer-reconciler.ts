import { DAY_MS } from '../domain/limits.js';
import type { Workspace } from '../domain/workspace.js';
import type { Records, Store } from '../store/store.js';
import type { TwitterClient } from '../twitter/client.js';
import type { EventsQuery, TwitterFailure, TwitterTokens } from '../twitter/wire.js';
import type { AccountSource } from './account-source.js';
import type { AnswerSink } from './answer-sink.js';

const MINUTE_MS = 60 * 1000;

/** events.json lists nothing newer than a day ago; a little more keeps a skewed clock from asking too early. */
const SETTLED_AFTER_MS = DAY_MS + 10 * MINUTE_MS;
/** One run reads at most one window of this length: a long stop is caught up a day per run. */
const WINDOW_MAX_MS = DAY_MS;
/** events.json's largest page. */
const PAGE_COUNT = 100;
/** An account's first run reads this far back. */
const FIRST_WINDOW_MS = DAY_MS;
/** Long enough for a window of many pages; a run stops reading at half of it, so it never outlives its lease. */
const LEASE_MS = 10 * MINUTE_MS;

/**
 * Positions belong to a Twitter account, which may be connected in several workspaces:
 * they are filed apart from every workspace's records. Slack team ids never start with '_'.
 */
const ACCOUNTS: Workspace = { teamId: '_accounts' };

/** What Twitter answered, for a warning. */
function describe(failure: TwitterFailure): string {
  if (failure.kind !== 'refused') return failure.detail;
  const codes = failure.errors.map((e) => `${e.code} ${e.message}`).join('; ');
  return `refused with HTTP ${failure.status}${codes ? ` (${codes})` : ''}`;
}

/** How far an account's events were read: whole windows up to `done`, and the window being read. */
interface Position {
  /** The end (epoch milliseconds, inclusive) of the last window read to its last page. */
  done: number;
  reading?: { from: number; to: number; cursor?: string };
}

export interface AnswerReconcilerParts {
  store: Pick<Store, 'claim' | 'unclaim' | 'records'>;
  twitter: Pick<TwitterClient, 'feedbackEvents'>;
  accounts: Pick<AccountSource, 'list' | 'forWorkspace'>;
  /** Every workspace the app is installed in. */
  teams: () => Promise<string[]>;
  sink: AnswerSink;
  warn: (message: string) => void;
  now?: () => number;
  leaseMs?: number;
}

/**
 * Reads every account's card events, a window at a time once Twitter lists them (a day
 * after), so that an answer no push brought and no ask found still arrives. The position
 * is kept after every page: a stopped run is taken up where it was, and a window read to
 * its end is not read again.
 */
export class AnswerReconciler {
  private readonly positions: Records;
  private readonly now: () => number;
  private readonly leaseMs: number;

  constructor(private readonly parts: AnswerReconcilerParts) {
    this.positions = parts.store.records('answers-reconcile');
    this.now = parts.now ?? Date.now;
    this.leaseMs = parts.leaseMs ?? LEASE_MS;
  }

  /** One window per account, each by one instance; answers how many events were read. */
  async run(): Promise<number> {
    let read = 0;
    for (const [accountId, teamId] of await this.accountsToRead()) {
      const lease = `answers-reconcile-lease:${accountId}`;
      if (!(await this.parts.store.claim(lease, this.leaseMs))) continue;
      try {
        const account = await this.parts.accounts.forWorkspace(teamId, accountId);
        if (account) read += await this.reconcile(accountId, account.tokens);
      } catch (error) {
        this.parts.warn(`Could not read the card events of account ${accountId}: ${(error as Error).message}`);
      } finally {
        await this.parts.store.unclaim(lease);
      }
    }
    return read;
  }

  /** Each connected account once, with a workspace whose tokens for it work, if any does. */
  private async accountsToRead(): Promise<Map<string, string>> {
    const found = new Map<string, { teamId: string; working: boolean }>();
    for (const teamId of await this.parts.teams()) {
      for (const account of await this.parts.accounts.list(teamId)) {
        const seen = found.get(account.user_id);
        if (!seen || (!seen.working && !account.needs_reconnect)) {
          found.set(account.user_id, { teamId, working: !account.needs_reconnect });
        }
      }
    }
    return new Map([...found].map(([accountId, { teamId }]) => [accountId, teamId]));
  }

  private async reconcile(accountId: string, tokens: TwitterTokens): Promise<number> {
    const started = this.now();
    const latest = started - SETTLED_AFTER_MS;
    const position = (await this.positions.get<Position>(ACCOUNTS, accountId)) ?? { done: latest - FIRST_WINDOW_MS };
    const reading = position.reading ?? { from: position.done + 1, to: Math.min(position.done + WINDOW_MAX_MS, latest) };
    if (reading.to < reading.from) return 0;
    let read = 0;
    let restarted = false;
    while (this.now() < started + this.leaseMs / 2) {
      const query: EventsQuery = reading.cursor
        ? { cursor: reading.cursor }
        : { from_time: reading.from, to_time: reading.to, count: PAGE_COUNT };
      const page = await this.parts.twitter.feedbackEvents(tokens, query);
      if (!page.ok) {
        const { failure } = page;
        // A cursor Twitter no longer takes: the window is read again from its start, which the sink's merge makes harmless.
        if (reading.cursor && !restarted && failure.kind === 'refused' && failure.status === 400) {
          restarted = true;
          reading.cursor = undefined;
          continue;
        }
        throw new Error(`events.json ${describe(failure)}`);
      }
      for (const event of page.data.events) await this.parts.sink.record(event);
      read += page.data.events.length;
      for (const { field, problem } of page.data.refused) {
        this.parts.warn(`A card event of account ${accountId} was skipped: ${field} ${problem}`);
      }
      if (!page.data.next_cursor) {
        await this.positions.set(ACCOUNTS, accountId, { done: reading.to } satisfies Position);
        return read;
      }
      reading.cursor = page.data.next_cursor;
      await this.positions.set(ACCOUNTS, accountId, { done: position.done, reading } satisfies Position);
    }
    return read;
  }
}
