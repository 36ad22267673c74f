import { createHash, randomBytes } from 'node:crypto';
import type { TwitterFailure } from '../domain/outcome.js';
import { workspaceId, type AccountSummary, type Workspace } from '../store/accounts.js';
import type { Records, Store } from '../store/store.js';
import type { TwitterClient } from '../twitter/client.js';

export const CONNECT_PATH = '/twitter/connect';
export const CALLBACK_PATH = '/twitter/callback';

/** A connect link, and the sign-in on Twitter it starts, each work this long and once. */
export const CONNECT_LIFETIME_MS = 10 * 60 * 1000;

/** What the browser is shown, as plain text: each line of `body` is a paragraph. */
export interface Page {
  status: number;
  title: string;
  body: string;
}

export type StartAnswer = { redirect: string } | { page: Page };

/** Twitter's return to the callback: a token and its verifier, or `denied`. */
export interface CallbackQuery {
  oauth_token?: string;
  oauth_verifier?: string;
  denied?: string;
}

export interface TwitterConnectOptions {
  store: Pick<Store, 'accounts' | 'records' | 'claim' | 'unclaim'>;
  twitter: TwitterClient;
  /** The app's public base URL, such as https://feedback.example.com. */
  publicUrl: string;
  /** Epoch milliseconds. */
  now?: () => number;
  /** Runs before the page answers, so the admin's App Home is current on returning to Slack. */
  onConnected?: (workspace: Workspace, account: AccountSummary, slackUserId: string) => Promise<void> | void;
  /** Hears that `onConnected` failed, which leaves the account connected; console.warn unless given. */
  warn?: (message: string) => void;
}

/** Who asked to connect an account, and where to. */
interface Binding {
  workspace: Workspace;
  slackUserId: string;
  workspaceName?: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** Only the secret: the token itself comes back in the callback. */
interface PendingRequest extends Binding {
  oauth_token_secret: string;
}

const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const NAMESPACE = 'twitter-connect';

// Links and request tokens are found by their random value alone, before anything names
// the workspace, so they carry their workspace inside and are filed under this name. Slack
// team ids are upper-case, and the namespace is this service's own: no workspace's data.
const UNBOUND: Workspace = { teamId: 'unbound' };

/** Twitter's "Callback URL not approved for this client application". */
const CALLBACK_NOT_APPROVED = 415;

/** Keys are digests, so a copy of the store holds no link that works. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

const AGAIN = "Open the app's Home in Slack and click Connect Twitter account again.";

const PAGES = {
  unknownLink: {
    status: 404,
    title: 'This link does not work',
    body: `This connect link was not made by the app, or it has expired. Nothing was connected.\n${AGAIN}`,
  },
  expiredLink: {
    status: 410,
    title: 'This link has expired',
    body: `A connect link works for 10 minutes. Nothing was connected.\n${AGAIN}`,
  },
  usedLink: {
    status: 410,
    title: 'This link was already used',
    body: `A connect link works once. Nothing was connected from this visit.\n${AGAIN}`,
  },
  incomplete: {
    status: 400,
    title: 'Twitter sent an incomplete answer',
    body: `Nothing was connected.\n${AGAIN}`,
  },
  unknownRequest: {
    status: 404,
    title: 'This sign-in is unknown',
    body: `The app did not start this sign-in on Twitter, or it has expired. Nothing was connected.\n${AGAIN}`,
  },
  expiredRequest: {
    status: 410,
    title: 'This sign-in has expired',
    body: `The sign-in on Twitter must be finished within 10 minutes. Nothing was connected.\n${AGAIN}`,
  },
  usedRequest: {
    status: 410,
    title: 'This sign-in was already finished',
    body:
      "This page was already answered once.\nThe app's Home in Slack lists the connected accounts; " +
      'if the account is not there, click Connect Twitter account again.',
  },
  denied: {
    status: 200,
    title: 'Nothing was connected',
    body: `You did not authorize the app on Twitter, so nothing was connected.\n${AGAIN}`,
  },
} satisfies Record<string, Page>;

/**
 * Connects a business's Twitter account to a Slack workspace with 3-legged OAuth: a
 * single-use link from App Home, Twitter's authorize page, and its return to the callback.
 */
export class TwitterConnect {
  private readonly store: TwitterConnectOptions['store'];
  private readonly twitter: TwitterClient;
  private readonly publicUrl: string;
  private readonly callbackUrl: string;
  private readonly now: () => number;
  private readonly onConnected?: TwitterConnectOptions['onConnected'];
  private readonly warn: (message: string) => void;
  private readonly records: Records;

  constructor(options: TwitterConnectOptions) {
    this.store = options.store;
    this.twitter = options.twitter;
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.callbackUrl = `${this.publicUrl}${CALLBACK_PATH}`;
    this.now = options.now ?? Date.now;
    this.onConnected = options.onConnected;
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.records = options.store.records(NAMESPACE);
  }

  /** The address for the Connect button; `workspaceName` only makes the final page friendlier. */
  async createLink(workspace: Workspace, slackUserId: string, workspaceName?: string): Promise<string> {
    // A malformed id fails here, in Slack, rather than after the admin's trip to Twitter.
    workspaceId(workspace);
    if (!slackUserId) throw new Error('A connect link needs the Slack user it is for');
    const token = randomBytes(32).toString('base64url');
    const link: Binding = {
      workspace: { teamId: workspace.teamId, ...(workspace.enterpriseId && { enterpriseId: workspace.enterpriseId }) },
      slackUserId,
      ...(workspaceName && { workspaceName }),
      createdAt: this.now(),
    };
    await this.records.set(UNBOUND, `link:${digest(token)}`, link, CONNECT_LIFETIME_MS);
    return `${this.publicUrl}${CONNECT_PATH}?link=${token}`;
  }

  /** A visit to the link: on to Twitter's authorize page, or a page saying why not. */
  async start(linkToken: string | undefined): Promise<StartAnswer> {
    if (linkToken === undefined || !LINK_TOKEN.test(linkToken)) return { page: PAGES.unknownLink };
    const key = `link:${digest(linkToken)}`;
    const link = await this.records.get<Binding>(UNBOUND, key);
    if (!link) return { page: PAGES.unknownLink };
    if (this.expired(link)) return { page: PAGES.expiredLink };
    const claim = `${NAMESPACE}:${key}`;
    if (!(await this.store.claim(claim, CONNECT_LIFETIME_MS))) return { page: PAGES.usedLink };

    const answer = await this.twitter.requestToken(this.callbackUrl);
    if (!answer.ok) {
      // A request token Twitter may have issued goes unused, so the same link may try again.
      await this.store.unclaim(claim);
      const unauthorized =
        "Twitter did not accept the app's own credentials: whoever runs the app should check TWITTER_CONSUMER_KEY and TWITTER_CONSUMER_SECRET.";
      return { page: this.failed(answer.failure, unauthorized, 'Reload this page in a few minutes to try again.') };
    }
    const { oauth_token, oauth_token_secret } = answer.data;
    const pending: PendingRequest = { ...link, createdAt: this.now(), oauth_token_secret };
    await this.records.set(UNBOUND, `request:${digest(oauth_token)}`, pending, CONNECT_LIFETIME_MS);
    return { redirect: this.twitter.authorizeUrl(oauth_token) };
  }

  /** Twitter's return: the account stored for the link's workspace, or a page saying why not. */
  async finish(query: CallbackQuery): Promise<Page> {
    if (query.denied !== undefined) return PAGES.denied;
    const { oauth_token: token, oauth_verifier: verifier } = query;
    if (!token || !verifier) return PAGES.incomplete;
    const key = `request:${digest(token)}`;
    const pending = await this.records.get<PendingRequest>(UNBOUND, key);
    if (!pending) return PAGES.unknownRequest;
    if (this.expired(pending)) return PAGES.expiredRequest;
    if (!(await this.store.claim(`${NAMESPACE}:${key}`, CONNECT_LIFETIME_MS))) return PAGES.usedRequest;

    const access = await this.twitter.accessToken({ oauth_token: token, oauth_token_secret: pending.oauth_token_secret }, verifier);
    if (!access.ok) return this.failed(access.failure, 'Twitter did not confirm the authorization.', AGAIN);
    const tokens = { access_token: access.data.oauth_token, access_token_secret: access.data.oauth_token_secret };
    const me = await this.twitter.verifyCredentials(tokens);
    const account = await this.store.accounts.add(pending.workspace, {
      user_id: access.data.user_id,
      screen_name: access.data.screen_name,
      // Only for display: without it the screen name stands in, rather than losing a granted connection.
      name: me.ok ? me.data.name : '',
      tokens,
      added_by: pending.slackUserId,
    });
    await this.notify(pending, account);
    const where = pending.workspaceName ?? `the Slack workspace ${pending.workspace.teamId}`;
    return {
      status: 200,
      title: 'Twitter account connected',
      body: `Connected @${account.screen_name} to ${where}.\nYou can close this tab and return to Slack.`,
    };
  }

  private expired(record: Binding): boolean {
    return this.now() - record.createdAt > CONNECT_LIFETIME_MS;
  }

  private async notify(pending: PendingRequest, account: AccountSummary): Promise<void> {
    try {
      await this.onConnected?.(pending.workspace, account, pending.slackUserId);
    } catch (error) {
      const message = (error as Error).message;
      this.warn(`Connected @${account.screen_name} to workspace ${workspaceId(pending.workspace)}, but onConnected failed: ${message}`);
    }
  }

  /** `unauthorized` says what Twitter's HTTP 401 means at this step. */
  private failed(failure: TwitterFailure, unauthorized: string, next: string): Page {
    const problem = twitterProblem(failure, this.callbackUrl, unauthorized);
    return { status: 502, title: 'Twitter did not connect the account', body: `${problem} Nothing was connected.\n${next}` };
  }
}

function twitterProblem(failure: TwitterFailure, callbackUrl: string, unauthorized: string): string {
  if (failure.kind === 'unreachable') return 'Twitter could not be reached.';
  if (failure.kind === 'uncertain') return 'Twitter did not answer in time.';
  if (failure.errors.some((e) => e.code === CALLBACK_NOT_APPROVED)) {
    return `Twitter does not accept the app's return address, ${callbackUrl}: whoever runs the app must add it to the Callback URLs of its Twitter app.`;
  }
  return failure.status === 401 ? unauthorized : `Twitter refused (HTTP ${failure.status}).`;
}
