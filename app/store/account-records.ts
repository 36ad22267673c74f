import { isUserId } from '../domain/feedback-request.js';
import { workspaceId, type Workspace } from '../domain/workspace.js';
import type { AtomicOperations } from './backend.js';
import type { TwitterTokens } from '../twitter/wire.js';
import { open, seal, SealError, type Opened, type SealKeys } from './crypto.js';
import type { Lock } from './lock.js';
import { KeyedQueue } from './queue.js';
import type { Records } from './records.js';

/** What may be shown to anyone in the workspace: never a token. */
export interface AccountSummary {
  /** Twitter's id_str. */
  user_id: string;
  screen_name: string;
  name: string;
  /** ISO 8601. */
  added_at: string;
  added_by?: string;
  /** Twitter rejected the tokens: the account must be added again with new ones. */
  needs_reconnect: boolean;
}

/** Tokens apart, so they are handed to the Twitter client whole and never spread into a summary. */
export type Account = AccountSummary & { tokens: TwitterTokens };

export type NewAccount = Omit<Account, 'added_at' | 'needs_reconnect'> & { added_at?: string };

type TokenField = keyof TwitterTokens;

interface StoredAccount extends AccountSummary {
  sealed_access_token: string;
  sealed_access_token_secret: string;
}

interface AccountsDocument {
  accounts: StoredAccount[];
}

/** The tokens could not be opened with the configured keys: they must be entered again. */
export class UnreadableTokensError extends Error {
  constructor(
    readonly screenName: string,
    options: { cause: unknown },
  ) {
    super(
      `The Twitter tokens of @${screenName} could not be opened: ENCRYPTION_KEY (or ENCRYPTION_KEY_PREVIOUS while ` +
        'rotating) is not the key they were sealed with, or the stored record was altered. Add the account again.',
      options,
    );
    this.name = 'UnreadableTokensError';
  }
}

/** Every workspace with an account connected: where answers are read for. */
const WITH_ACCOUNTS = 'workspaces-with-accounts';

function connectedTo(userId: string): string {
  return `account-workspaces:${userId}`;
}

// A workspace has a handful of accounts, so they live in one record that is read,
// changed and written whole.
const KEY = 'twitter';

function summary(stored: StoredAccount): AccountSummary {
  return {
    user_id: stored.user_id,
    screen_name: stored.screen_name,
    name: stored.name,
    added_at: stored.added_at,
    ...(stored.added_by !== undefined && { added_by: stored.added_by }),
    needs_reconnect: stored.needs_reconnect,
  };
}

function sameTokens(a: StoredAccount, b: StoredAccount): boolean {
  return a.sealed_access_token === b.sealed_access_token && a.sealed_access_token_secret === b.sealed_access_token_secret;
}

export class AccountsRepository {
  /** Per workspace, so no change overwrites another. */
  private readonly changes = new KeyedQueue();

  constructor(
    private readonly records: Records,
    private readonly keys: SealKeys,
    /** Across instances, as the queue is within this one. */
    private readonly lock: Lock,
    /** Which workspaces connected each account, for answers to cards no workspace of this app sent. */
    private readonly index: Pick<AtomicOperations, 'mark' | 'unmark' | 'members'>,
  ) {}

  /** The workspaces that have any account connected now. */
  async workspaces(): Promise<string[]> {
    const teams = await this.index.members(WITH_ACCOUNTS);
    const kept = await Promise.all(teams.map(async (teamId) => (await this.read({ teamId })).length > 0));
    return teams.filter((_, i) => kept[i]);
  }

  /** The workspaces that have the account connected now. */
  async workspacesWith(userId: string): Promise<Workspace[]> {
    const teams = await this.index.members(connectedTo(userId));
    // The index is written before an account is stored: a member whose change did not complete is left out.
    const kept = await Promise.all(teams.map(async (teamId) => (await this.read({ teamId })).some((a) => a.user_id === userId)));
    return teams.filter((_, i) => kept[i]).map((teamId) => ({ teamId }));
  }

  /** Adds the account, or replaces the one with the same user id (which clears needs_reconnect). */
  async add(workspace: Workspace, account: NewAccount): Promise<AccountSummary> {
    const id = workspaceId(workspace);
    if (!isUserId(account.user_id)) throw new Error(`Not a Twitter user id: ${JSON.stringify(account.user_id)}`);
    const screenName = account.screen_name.trim().replace(/^@/, '');
    if (!screenName) throw new Error('A Twitter account needs its screen name');
    const { access_token, access_token_secret } = account.tokens;
    if (!access_token || !access_token_secret) {
      throw new Error('A Twitter account needs both its access token and its access token secret');
    }
    const stored: StoredAccount = {
      user_id: account.user_id,
      screen_name: screenName,
      name: account.name.trim() || screenName,
      added_at: account.added_at ?? new Date().toISOString(),
      ...(account.added_by !== undefined && { added_by: account.added_by }),
      needs_reconnect: false,
      sealed_access_token: this.seal(id, account.user_id, 'access_token', access_token),
      sealed_access_token_secret: this.seal(id, account.user_id, 'access_token_secret', access_token_secret),
    };
    await this.update(workspace, (accounts) => [...accounts.filter((a) => a.user_id !== account.user_id), stored]);
    return summary(stored);
  }

  async list(workspace: Workspace): Promise<AccountSummary[]> {
    return (await this.read(workspace)).map(summary);
  }

  /**
   * The account with its tokens: the one named, or without a name the workspace's first.
   * Tokens still sealed with the previous key are sealed again with the current one, so
   * that key can be retired once every account was used.
   */
  async get(workspace: Workspace, accountId?: string): Promise<Account | undefined> {
    const id = workspaceId(workspace);
    const accounts = await this.read(workspace);
    const stored = accountId === undefined ? accounts[0] : accounts.find((a) => a.user_id === accountId);
    if (!stored) return undefined;
    const token = this.open(id, stored, 'access_token');
    const secret = this.open(id, stored, 'access_token_secret');
    if (token.sealedWithPrevious || secret.sealedWithPrevious) {
      const resealed = {
        sealed_access_token: this.seal(id, stored.user_id, 'access_token', token.plaintext),
        sealed_access_token_secret: this.seal(id, stored.user_id, 'access_token_secret', secret.plaintext),
      };
      // Only if nobody replaced the tokens in the meantime.
      await this.update(workspace, (accounts) =>
        accounts.some((a) => sameTokens(a, stored))
          ? accounts.map((a) => (sameTokens(a, stored) ? { ...a, ...resealed } : a))
          : undefined,
      );
    }
    return { ...summary(stored), tokens: { access_token: token.plaintext, access_token_secret: secret.plaintext } };
  }

  async remove(workspace: Workspace, accountId: string): Promise<boolean> {
    return this.update(workspace, (accounts) =>
      accounts.some((a) => a.user_id === accountId) ? accounts.filter((a) => a.user_id !== accountId) : undefined,
    );
  }

  /** Marks (or clears) an account whose tokens Twitter refused. False when there is no such account. */
  async needsReconnect(workspace: Workspace, accountId: string, flag: boolean): Promise<boolean> {
    return this.update(workspace, (accounts) =>
      accounts.some((a) => a.user_id === accountId)
        ? accounts.map((a) => (a.user_id === accountId ? { ...a, needs_reconnect: flag } : a))
        : undefined,
    );
  }

  private async read(workspace: Workspace): Promise<StoredAccount[]> {
    return (await this.records.get<AccountsDocument>(workspace, KEY))?.accounts ?? [];
  }

  /** `change` answers undefined when there is nothing to change; the answer tells whether anything was. */
  private update(workspace: Workspace, change: (accounts: StoredAccount[]) => StoredAccount[] | undefined): Promise<boolean> {
    const id = workspaceId(workspace);
    return this.changes.run(id, () =>
      this.lock(`accounts:${id}`, async () => {
        const before = await this.read(workspace);
        const next = change(before);
        if (next === undefined) return false;
        const ids = (accounts: StoredAccount[]) => new Set(accounts.map((a) => a.user_id));
        const [had, has] = [ids(before), ids(next)];
        await Promise.all([...has].filter((u) => !had.has(u)).map((u) => this.index.mark(connectedTo(u), id)));
        if (before.length === 0 && next.length > 0) await this.index.mark(WITH_ACCOUNTS, id);
        if (next.length === 0) await this.records.delete(workspace, KEY);
        else await this.records.set<AccountsDocument>(workspace, KEY, { accounts: next });
        await Promise.all([...had].filter((u) => !has.has(u)).map((u) => this.index.unmark(connectedTo(u), id)));
        if (next.length === 0) await this.index.unmark(WITH_ACCOUNTS, id);
        return true;
      }),
    );
  }

  /** Binds the sealed value to its workspace, account and field. */
  private context(id: string, accountId: string, field: TokenField): string {
    return `twitter-account:${id}:${accountId}:${field}`;
  }

  private seal(id: string, accountId: string, field: TokenField, plaintext: string): string {
    return seal(plaintext, this.keys.current, this.context(id, accountId, field));
  }

  private open(id: string, stored: StoredAccount, field: TokenField): Opened {
    try {
      return open(stored[`sealed_${field}` as const], this.keys, this.context(id, stored.user_id, field));
    } catch (error) {
      if (error instanceof SealError) throw new UnreadableTokensError(stored.screen_name, { cause: error });
      throw error;
    }
  }
}
