import { setTimeout as delay } from 'node:timers/promises';
import { isUserId } from '../domain/feedback-request.js';
import { workspaceOf, type Workspace } from '../domain/workspace.js';
import type { AccountSummary } from '../store/account-records.js';
import type { TwitterClient } from '../twitter/client.js';
import type { TwitterTokens } from '../twitter/wire.js';
import { explain } from './twitter-outcome.js';
import type { BusinessAccount } from './feedback-relay.js';

export interface StoredAccounts {
  list(workspace: Workspace): Promise<AccountSummary[]>;
  get(workspace: Workspace, accountId?: string): Promise<BusinessAccount | undefined>;
  needsReconnect(workspace: Workspace, accountId: string, flag: boolean): Promise<boolean>;
  remove(workspace: Workspace, accountId: string): Promise<boolean>;
}

/** How long a command may wait for the environment account's name before going on. */
const IDENTITY_WAIT_MS = 1000;

/**
 * The accounts a workspace sends as: those it connected, or else the tokens given in the
 * environment for a single-workspace install. The environment's account learns its
 * name from Twitter once, in the background, so start-up never waits on Twitter.
 */
export class AccountSource {
  private envAccount?: BusinessAccount;
  private identity: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly stored: StoredAccounts,
    envTokens: TwitterTokens | undefined,
    twitter: TwitterClient,
    warn: (message: string) => void,
  ) {
    if (!envTokens) return;
    // Twitter's access tokens begin with the user id; the name arrives with the check.
    const [accountId] = envTokens.access_token.split('-');
    if (isUserId(accountId)) this.envAccount = { user_id: accountId, screen_name: '', name: 'Our business', tokens: envTokens };
    this.identity = twitter.verifyCredentials(envTokens).then((answer) => {
      if (!answer.ok) {
        warn(`TWITTER_ACCESS_TOKEN was not accepted by Twitter: ${explain(answer.failure).reason}`);
        return;
      }
      const { id_str, screen_name, name } = answer.data;
      this.envAccount = { user_id: id_str, screen_name, name, tokens: envTokens };
    });
  }

  /** The connected accounts, without tokens; the environment's when none is stored. */
  async list(teamId: string): Promise<AccountSummary[]> {
    const stored = await this.stored.list(workspaceOf({ teamId }));
    if (stored.length) return stored;
    const env = await this.fromEnvironment();
    return env
      ? [{ user_id: env.user_id, screen_name: env.screen_name, name: env.name, added_at: '', needs_reconnect: false }]
      : [];
  }

  /**
   * The account to send as: the one named (never another in its place: an agent who
   * chose one business must not send as a different one), else the workspace's first.
   */
  async forWorkspace(teamId: string, accountId?: string): Promise<BusinessAccount | undefined> {
    const stored = await this.stored.get(workspaceOf({ teamId }), accountId);
    if (stored) return stored;
    if (accountId !== undefined && (await this.stored.list(workspaceOf({ teamId }))).length) return undefined;
    const env = await this.fromEnvironment();
    return accountId === undefined || env?.user_id === accountId ? env : undefined;
  }

  /** Twitter refused the account's tokens: admins see it must be connected again. */
  async needsReconnect(teamId: string, accountId: string): Promise<void> {
    await this.stored.needsReconnect(workspaceOf({ teamId }), accountId, true);
  }

  async disconnect(teamId: string, accountId: string): Promise<boolean> {
    return this.stored.remove(workspaceOf({ teamId }), accountId);
  }

  private async fromEnvironment(): Promise<BusinessAccount | undefined> {
    await Promise.race([this.identity, delay(IDENTITY_WAIT_MS, undefined, { ref: false })]);
    return this.envAccount;
  }
}
