import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { workspaceId, workspaceOf, type Workspace } from '../domain/workspace.js';
import type { AccountSummary } from '../store/account-records.js';
import { open, seal, type SealKeys } from '../store/crypto.js';
import type { Records, Store } from '../store/store.js';
import type { TwitterClient } from '../twitter/client.js';
import type { TwitterFailure, TwitterTokens } from '../twitter/wire.js';

export const CONNECT_PATH = '/twitter/connect';
export const CALLBACK_PATH = '/twitter/callback';
export const CONFIRM_PATH = '/twitter/confirm';

/** A connect link, the sign-in on Twitter it starts, and the confirmation after it, each work this long and once. */
export const CONNECT_LIFETIME_MS = 10 * 60 * 1000;

/** What the browser is shown, as plain text: each line of `body` is a paragraph. */
export interface Page {
  status: number;
  title: string;
  body: string;
  /** A button that posts `csrf` to `action`. */
  form?: { action: string; csrf: string; button: string };
}

/**
 * What the browser gets, and what becomes of the cookie that binds a connection to the
 * browser that started it: set to a new value, cleared, or (absent) left as it is.
 */
export type Answer = ({ redirect: string } | { page: Page }) & { browser?: { set: string } | 'clear' };

/** Twitter's return to the callback: a token and its verifier, or `denied`. */
export interface CallbackQuery {
  oauth_token?: string;
  oauth_verifier?: string;
  denied?: string;
}

export interface TwitterConnectOptions {
  store: Pick<Store, 'accounts' | 'records' | 'claim' | 'unclaim'>;
  /** Seal the Twitter secrets kept while a connection is under way, as the accounts' tokens are sealed. */
  keys: SealKeys;
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

/** A sign-in on Twitter under way, found by its request token when Twitter sends the browser back. */
interface PendingRequest extends Binding {
  sealed_oauth_token_secret: string;
  /** The digest of the nonce in the cookie of the browser that started it. */
  browser: string;
}

/** The account Twitter granted, kept until the admin confirms it from the same browser. */
interface UnconfirmedAccount extends Binding {
  user_id: string;
  screen_name: string;
  name: string;
  sealed_access_token: string;
  sealed_access_token_secret: string;
}

/** Link tokens and browser nonces: 32 random bytes, base64url. */
const RANDOM_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const NAMESPACE = 'twitter-connect';

// Links, request tokens and confirmations are found by a random value alone, before
// anything names the workspace, so they carry their workspace inside and are filed under
// this name. Slack team ids are upper-case, and the namespace is this service's own: no
// workspace's data.
const UNBOUND: Workspace = { teamId: 'unbound' };

/** Twitter's "Callback URL not approved for this client application". */
const CALLBACK_NOT_APPROVED = 415;

/** Keys are digests, so a copy of the store holds no link, request token or cookie that works. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Compares in constant time: how much of a guess matched must not show in how long the answer takes. */
function same(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const [a, b] = [Buffer.from(expected), Buffer.from(given)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * What the confirming form must carry: bound to the browser's nonce, which only that
 * browser holds (its cookie is HttpOnly) and only the app's page shows a value of.
 */
function csrfFor(nonce: string): string {
  return createHmac('sha256', nonce).update('confirm a Twitter account').digest('base64url');
}

/** The workspace as the admin knows it, and as Slack names it. */
function workspaceLabel(binding: Binding): string {
  const { teamId } = binding.workspace;
  return binding.workspaceName ? `${binding.workspaceName} (${teamId})` : teamId;
}

const AGAIN = "Open the app's Home in Slack and click Connect Twitter account again.";
const LISTED =
  "The app's Home in Slack lists the connected accounts; if the account is not there, click Connect Twitter account again.";

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
    body: `The app did not start this sign-in on Twitter, it was already finished, or it has expired. Nothing was connected.\n${AGAIN}`,
  },
  expiredRequest: {
    status: 410,
    title: 'This sign-in has expired',
    body: `The sign-in on Twitter must be finished within 10 minutes. Nothing was connected.\n${AGAIN}`,
  },
  usedRequest: {
    status: 410,
    title: 'This sign-in was already finished',
    body: `This page was already answered once.\n${LISTED}`,
  },
  otherBrowser: {
    status: 403,
    title: 'Finish in the browser that started',
    body:
      'This browser did not open the connect link of this sign-in, or it opened another connect link since. Nothing was connected.\n' +
      "Click Connect Twitter account in the app's Home in Slack again, and open its link in the browser you sign in to Twitter with.",
  },
  denied: {
    status: 200,
    title: 'Nothing was connected',
    body: `You did not authorize the app on Twitter, so nothing was connected.\n${AGAIN}`,
  },
  nothingToConfirm: {
    status: 404,
    title: 'Nothing to confirm',
    body:
      'In this browser no connection is waiting to be confirmed: it was already confirmed, it was started in another ' +
      `browser, or it has expired. Nothing more was connected.\n${LISTED}`,
  },
  foreignForm: {
    status: 403,
    title: 'Not confirmed',
    body: "This confirmation did not come from the app's own page, so nothing was connected.\nConfirm with the button on the app's page.",
  },
  expiredConfirmation: {
    status: 410,
    title: 'This confirmation has expired',
    body: `A connection must be confirmed within 10 minutes. Nothing was connected.\n${AGAIN}`,
  },
  usedConfirmation: {
    status: 410,
    title: 'This connection was already confirmed',
    body: `This page was already answered once.\n${LISTED}`,
  },
} satisfies Record<string, Page>;

/**
 * Connects a business's Twitter account to a Slack workspace with 3-legged OAuth: a
 * single-use link given to an admin in Slack, Twitter's authorize page, its return to
 * the callback, and the admin's confirmation. A cookie set when the link is opened binds
 * the rest to that browser: someone else who is handed the link's continuation (the
 * authorize page, say) and signs in there connects nothing, and nothing is stored
 * before the admin has seen which account joins which workspace.
 */
export class TwitterConnect {
  private readonly store: TwitterConnectOptions['store'];
  private readonly keys: SealKeys;
  private readonly twitter: TwitterClient;
  private readonly publicUrl: string;
  private readonly callbackUrl: string;
  private readonly now: () => number;
  private readonly onConnected?: TwitterConnectOptions['onConnected'];
  private readonly warn: (message: string) => void;
  private readonly records: Records;

  constructor(options: TwitterConnectOptions) {
    this.store = options.store;
    this.keys = options.keys;
    this.twitter = options.twitter;
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.callbackUrl = `${this.publicUrl}${CALLBACK_PATH}`;
    this.now = options.now ?? Date.now;
    this.onConnected = options.onConnected;
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.records = options.store.records(NAMESPACE);
  }

  /** Where the browser sends the cookie: the connect pages, under the public URL's own path. */
  get cookiePath(): string {
    return `${new URL(this.publicUrl).pathname.replace(/\/+$/, '')}/twitter`;
  }

  /** The link an admin opens to connect an account; `workspaceName` only makes the pages friendlier. */
  async createLink(workspace: Workspace, slackUserId: string, workspaceName?: string): Promise<string> {
    if (!slackUserId) throw new Error('A connect link needs the Slack user it is for');
    const token = randomBytes(32).toString('base64url');
    const link: Binding = {
      // A malformed id fails here, in Slack, rather than after the admin's trip to Twitter.
      workspace: workspaceOf(workspace),
      slackUserId,
      ...(workspaceName && { workspaceName }),
      createdAt: this.now(),
    };
    await this.records.set(UNBOUND, `link:${digest(token)}`, link, CONNECT_LIFETIME_MS);
    return `${this.publicUrl}${CONNECT_PATH}?link=${token}`;
  }

  /** A visit to the link: on to Twitter's authorize page with this browser's cookie set, or a page saying why not. */
  async start(linkToken: string | undefined): Promise<Answer> {
    if (linkToken === undefined || !RANDOM_TOKEN.test(linkToken)) return { page: PAGES.unknownLink };
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
    const nonce = randomBytes(32).toString('base64url');
    const requestKey = `request:${digest(oauth_token)}`;
    const pending: PendingRequest = {
      ...this.restarted(link),
      sealed_oauth_token_secret: this.seal(requestKey, 'oauth_token_secret', oauth_token_secret),
      browser: digest(nonce),
    };
    await this.records.set(UNBOUND, requestKey, pending, CONNECT_LIFETIME_MS);
    return { redirect: this.twitter.authorizeUrl(oauth_token), browser: { set: nonce } };
  }

  /**
   * Twitter's return, with the nonce of the browser's cookie: the page asking the admin to
   * confirm the account and the workspace, or a page saying why not. Stores no account.
   */
  async finish(query: CallbackQuery, nonce: string | undefined): Promise<Answer> {
    if (query.denied !== undefined) return { page: PAGES.denied };
    const { oauth_token: token, oauth_verifier: verifier } = query;
    if (!token || !verifier) return { page: PAGES.incomplete };
    const key = `request:${digest(token)}`;
    const pending = await this.records.get<PendingRequest>(UNBOUND, key);
    if (!pending) return { page: PAGES.unknownRequest };
    if (this.expired(pending)) return { page: PAGES.expiredRequest };
    // Before anything changes: another browser's visit must leave the admin's sign-in as it was.
    if (nonce === undefined || !same(pending.browser, digest(nonce))) return { page: PAGES.otherBrowser };
    if (!(await this.store.claim(`${NAMESPACE}:${key}`, CONNECT_LIFETIME_MS))) return { page: PAGES.usedRequest };

    const secret = this.open(key, 'oauth_token_secret', pending.sealed_oauth_token_secret);
    // Twitter exchanges a request token once, whatever it answers: nothing is left to keep.
    await this.records.delete(UNBOUND, key);
    const access = await this.twitter.accessToken({ oauth_token: token, oauth_token_secret: secret }, verifier);
    if (!access.ok) {
      return { page: this.failed(access.failure, 'Twitter did not confirm the authorization.', AGAIN), browser: 'clear' };
    }
    const tokens = { access_token: access.data.oauth_token, access_token_secret: access.data.oauth_token_secret };
    const me = await this.twitter.verifyCredentials(tokens);
    const confirmKey = `confirm:${digest(nonce)}`;
    const confirmation: UnconfirmedAccount = {
      ...this.restarted(pending),
      user_id: access.data.user_id,
      screen_name: access.data.screen_name,
      // Only for display: without it the screen name stands in, rather than losing a granted connection.
      name: me.ok ? me.data.name : '',
      sealed_access_token: this.seal(confirmKey, 'access_token', tokens.access_token),
      sealed_access_token_secret: this.seal(confirmKey, 'access_token_secret', tokens.access_token_secret),
    };
    await this.records.set(UNBOUND, confirmKey, confirmation, CONNECT_LIFETIME_MS);
    const account = confirmation.name ? `@${confirmation.screen_name} (${confirmation.name})` : `@${confirmation.screen_name}`;
    return {
      page: {
        status: 200,
        title: 'Confirm the connection',
        body:
          `Twitter account: ${account}\nSlack workspace: ${workspaceLabel(confirmation)}\n` +
          'Once connected, the people allowed to send feedback requests in this workspace send them as this account. ' +
          'Nothing is connected until you click the button: if this is not the account or the workspace you meant, close this tab.',
        form: {
          action: `${this.publicUrl}${CONFIRM_PATH}`,
          csrf: csrfFor(nonce),
          button: `Connect @${confirmation.screen_name}`,
        },
      },
      // The confirmation may take as long again as the sign-in did.
      browser: { set: nonce },
    };
  }

  /** The admin's confirmation, with the form's token and the browser's nonce: the account stored, or a page saying why not. */
  async confirm(csrf: string | undefined, nonce: string | undefined): Promise<Answer> {
    if (nonce === undefined || !RANDOM_TOKEN.test(nonce)) return { page: PAGES.nothingToConfirm };
    const key = `confirm:${digest(nonce)}`;
    const pending = await this.records.get<UnconfirmedAccount>(UNBOUND, key);
    if (!pending) return { page: PAGES.nothingToConfirm };
    if (!same(csrfFor(nonce), csrf)) return { page: PAGES.foreignForm };
    if (this.expired(pending)) return { page: PAGES.expiredConfirmation, browser: 'clear' };
    const claim = `${NAMESPACE}:${key}`;
    if (!(await this.store.claim(claim, CONNECT_LIFETIME_MS))) return { page: PAGES.usedConfirmation };

    let account: AccountSummary;
    try {
      account = await this.store.accounts.add(pending.workspace, {
        user_id: pending.user_id,
        screen_name: pending.screen_name,
        name: pending.name,
        tokens: this.tokensOf(key, pending),
        added_by: pending.slackUserId,
      });
    } catch (error) {
      // Nothing was stored: the same page may confirm again.
      await this.store.unclaim(claim);
      throw error;
    }
    await this.records.delete(UNBOUND, key);
    await this.notify(pending, account);
    return {
      page: {
        status: 200,
        title: 'Twitter account connected',
        body: `Connected @${account.screen_name} to the Slack workspace ${workspaceLabel(pending)}.\nYou can close this tab and return to Slack.`,
      },
      browser: 'clear',
    };
  }

  /** The same admin and workspace, for the next step, whose time starts now. */
  private restarted(binding: Binding): Binding {
    return {
      workspace: binding.workspace,
      slackUserId: binding.slackUserId,
      ...(binding.workspaceName && { workspaceName: binding.workspaceName }),
      createdAt: this.now(),
    };
  }

  private expired(record: Binding): boolean {
    return this.now() - record.createdAt > CONNECT_LIFETIME_MS;
  }

  /** Binds a sealed value to its record and field. */
  private seal(key: string, field: string, plaintext: string): string {
    return seal(plaintext, this.keys.current, `${NAMESPACE}:${key}:${field}`);
  }

  private open(key: string, field: string, sealed: string): string {
    return open(sealed, this.keys, `${NAMESPACE}:${key}:${field}`).plaintext;
  }

  private tokensOf(key: string, pending: UnconfirmedAccount): TwitterTokens {
    return {
      access_token: this.open(key, 'access_token', pending.sealed_access_token),
      access_token_secret: this.open(key, 'access_token_secret', pending.sealed_access_token_secret),
    };
  }

  private async notify(pending: Binding, account: AccountSummary): Promise<void> {
    try {
      await this.onConnected?.(pending.workspace, account, pending.slackUserId);
    } catch (error) {
      const message = (error as Error).message;
      this.warn(
        `Connected @${account.screen_name} to workspace ${workspaceId(pending.workspace)}, but onConnected failed: ${message}`,
      );
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
