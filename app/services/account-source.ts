import { setTimeout as delay } from 'node:timers/promises';
import { explain } from '../domain/outcome.js';
import { isUserId } from '../domain/feedback-request.js';
import type { TwitterClient, TwitterTokens } from '../twitter/client.js';
import type { BusinessAccount } from './feedback-relay.js';

export interface StoredAccounts {
  list(workspace: { teamId: string }): Promise<Array<{ user_id: string }>>;
  get(workspace: { teamId: string }, userId: string): Promise<BusinessAccount | undefined>;
}

/** How long a command may wait for the environment account's name before going on. */
const IDENTITY_WAIT_MS = 1000;

/**
 * The account a workspace sends as: one it connected, or else the tokens given in the
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
    const [userId] = envTokens.access_token.split('-');
    if (isUserId(userId)) this.envAccount = { user_id: userId, screen_name: '', name: 'Our business', tokens: envTokens };
    this.identity = twitter.verifyCredentials(envTokens).then((answer) => {
      if (!answer.ok) {
        warn(`TWITTER_ACCESS_TOKEN was not accepted by Twitter: ${explain(answer.failure).reason}`);
        return;
      }
      const { id_str, screen_name, name } = answer.data;
      this.envAccount = { user_id: id_str, screen_name, name, tokens: envTokens };
    });
  }

  async forWorkspace(teamId: string): Promise<BusinessAccount | undefined> {
    const workspace = { teamId };
    const [first] = await this.stored.list(workspace);
    if (first) return this.stored.get(workspace, first.user_id);
    await Promise.race([this.identity, delay(IDENTITY_WAIT_MS, undefined, { ref: false })]);
    return this.envAccount;
  }
}
