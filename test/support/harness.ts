import { LogLevel } from '@slack/logger';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config, type Env } from '../../app/config.js';
import { startApp, type RunningApp } from '../../app/server.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, SlackSimulator, type SimulatedView } from '../simulators/slack.js';
import { TwitterSimulator, type SimulatedUser } from '../simulators/twitter.js';
import {
  blockActionsBody,
  eventBody,
  postToApp,
  slashCommandBody,
  viewSubmissionBody,
  type AppResponse,
  type EnteredValues,
} from './slack-requests.js';

/** Obvious fakes: no real service would ever accept them. */
export const SECRETS = {
  signingSecret: 'sim-signing-secret-0123456789abcdef',
  consumerKey: 'sim-consumer-key',
  consumerSecret: 'sim-consumer-secret-do-not-log',
  accessToken: '1212121212121-sim-access-token-do-not-log',
  accessTokenSecret: 'sim-access-token-secret-do-not-log',
  encryptionKey: Buffer.alloc(32, 42).toString('base64'),
};

/** The business's tokens as the simulated Twitter issued them. */
export const BUSINESS_TOKENS = { access_token: SECRETS.accessToken, access_token_secret: SECRETS.accessTokenSecret };

export const BUSINESS: SimulatedUser = { id_str: '1212121212121', screen_name: 'AcmeSupport', name: 'Acme Support' };
/** A second business, for a second workspace. */
export const OTHER_BUSINESS: SimulatedUser = { id_str: '7878787878787', screen_name: 'GlobexHelp', name: 'Globex Help' };
export const OTHER_TOKENS = {
  access_token: '7878787878787-globex-access-token',
  access_token_secret: 'globex-token-secret-do-not-log',
};

export const OAUTH_CLIENT = { clientId: '1111.2222', clientSecret: 'sim-client-secret-do-not-log' };
const STATE_SECRET = 'sim-state-secret-0123456789abcdef0123456789';
export const CUSTOMERS = {
  jack: { id_str: '343434343434', screen_name: 'jack', name: 'Jack' },
  /** An id past 2^53: it survives only as a string. */
  bigId: { id_str: '1234567890123456789', screen_name: 'bigid', name: 'Big Id' },
  closedDms: { id_str: '565656565656', screen_name: 'closed_dms', name: 'No DMs', can_dm: false },
  jill: { id_str: '909090909090', screen_name: 'jill', name: 'Jill' },
} satisfies Record<string, SimulatedUser>;

export const PRIVACY_URL = 'https://acme.example/privacy';

/**
 * Trigger ids live this long here instead of Slack's 3 seconds: on a busy machine a flow can
 * take longer than that between Slack issuing one and the app using it. The simulator's own
 * tests hold the 3 seconds.
 */
const ROOMY_TRIGGER_LIFETIME_MS = 60_000;

/** A simulated Slack (one workspace, or OAuth installs) and a simulated Twitter that knows both businesses. */
export async function startSimulators(options: Pick<HarnessOptions, 'multiWorkspace' | 'feedbackLimit'> = {}) {
  const slack = await SlackSimulator.start({
    triggerLifetimeMs: ROOMY_TRIGGER_LIFETIME_MS,
    ...(options.multiWorkspace ? { oauthClient: OAUTH_CLIENT } : {}),
  });
  const twitter = await TwitterSimulator.start({
    consumers: { [SECRETS.consumerKey]: SECRETS.consumerSecret },
    tokens: {
      [BUSINESS_TOKENS.access_token]: { secret: BUSINESS_TOKENS.access_token_secret, user: BUSINESS.id_str },
      [OTHER_TOKENS.access_token]: { secret: OTHER_TOKENS.access_token_secret, user: OTHER_BUSINESS.id_str },
    },
    users: [BUSINESS, OTHER_BUSINESS, ...Object.values(CUSTOMERS)],
    feedbackLimit: options.feedbackLimit,
  });
  return { slack, twitter };
}

/** Every setting the app needs to run for one workspace between the two simulators. */
export function appEnv(slack: SlackSimulator, twitter: TwitterSimulator, storeUrl: string): Record<string, string> {
  return {
    SLACK_SIGNING_SECRET: SECRETS.signingSecret,
    SLACK_BOT_TOKEN: DEFAULTS.botToken,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    TWITTER_API_URL: twitter.url,
    TWITTER_CONSUMER_KEY: SECRETS.consumerKey,
    TWITTER_CONSUMER_SECRET: SECRETS.consumerSecret,
    STORE_URL: storeUrl,
    ENCRYPTION_KEY: SECRETS.encryptionKey,
    DEFAULT_PRIVACY_URL: PRIVACY_URL,
  };
}

/** Stores a business account for a workspace, as connecting it would. */
export async function connectAccount(
  config: Config,
  teamId: string,
  business: SimulatedUser,
  tokens: { access_token: string; access_token_secret: string },
): Promise<void> {
  const store = await openStore(config.store);
  await store.accounts.add(
    { teamId },
    { user_id: business.id_str, screen_name: business.screen_name, name: business.name, tokens },
  );
  await store.close();
}

export interface HarnessOptions {
  /** Where the business's tokens come from: the store (as the accounts CLI leaves them) or the environment. */
  tokens?: 'store' | 'env' | 'none';
  /** Any number of workspaces install the app through Slack's OAuth instead of one bot token. */
  multiWorkspace?: boolean;
  env?: Env;
  /** feedback/create calls the simulated Twitter allows per account per day. */
  feedbackLimit?: number;
  /** ERROR keeps test output quiet; DEBUG lets a test read everything the app logs. */
  logLevel?: LogLevel;
}

/**
 * The real app on loopback between a Slack simulator and a Twitter simulator, with the
 * moves an agent makes in Slack as signed HTTP requests.
 */
export class Harness {
  private stopped?: Promise<void>;

  private constructor(
    readonly slack: SlackSimulator,
    readonly twitter: TwitterSimulator,
    readonly app: RunningApp,
    readonly url: string,
    /** The app's own settings, for tests that open its store beside it. */
    readonly config: Config,
    private readonly dataDir: string,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const multi = options.multiWorkspace ?? false;
    const tokens = options.tokens ?? (multi ? 'none' : 'store');
    const { slack, twitter } = await startSimulators(options);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'feedback-test-'));
    const env: Env = {
      ...appEnv(slack, twitter, `sqlite://${path.join(dataDir, 'feedback.sqlite')}`),
      ...(multi
        ? {
            SLACK_BOT_TOKEN: undefined,
            SLACK_CLIENT_ID: OAUTH_CLIENT.clientId,
            SLACK_CLIENT_SECRET: OAUTH_CLIENT.clientSecret,
            SLACK_STATE_SECRET: STATE_SECRET,
          }
        : {}),
      ...(tokens === 'env'
        ? { TWITTER_ACCESS_TOKEN: SECRETS.accessToken, TWITTER_ACCESS_TOKEN_SECRET: SECRETS.accessTokenSecret }
        : {}),
      ...options.env,
    };
    const config = loadConfig(env);
    if (tokens === 'store') await connectAccount(config, DEFAULTS.teamId, BUSINESS, BUSINESS_TOKENS);
    const app = await startApp(config, options.logLevel ?? LogLevel.ERROR);
    return new Harness(slack, twitter, app, `http://127.0.0.1:${app.port}/slack/events`, config, dataDir);
  }

  /** A workspace's admin installs the app through Slack's consent page; resolves with its bot token. */
  async install(teamId: string, botUserId: string): Promise<string> {
    const base = this.url.replace(/\/slack\/events$/, '');
    const started = await fetch(`${base}/slack/install`, { redirect: 'manual' });
    const location = new URL(started.headers.get('location') ?? '');
    const cookie = started.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const code = this.slack.issueOAuthCode({ teamId, botUserId, scopes: (location.searchParams.get('scope') ?? '').split(',') });
    const query = new URLSearchParams({ code, state: location.searchParams.get('state') ?? '' });
    const back = await fetch(`${base}/slack/oauth_redirect?${query}`, { headers: { cookie }, redirect: 'manual' });
    if (back.status !== 200) throw new Error(`the OAuth redirect answered ${back.status}`);
    return this.slack.callsTo('oauth.v2.access').at(-1)?.response.access_token as string;
  }

  /** Stores a business account for a workspace, as connecting it would. */
  connectAccount(
    teamId: string,
    business: SimulatedUser,
    tokens: { access_token: string; access_token_secret: string },
  ): Promise<void> {
    return connectAccount(this.config, teamId, business, tokens);
  }

  post(body: string | URLSearchParams, options?: Parameters<typeof postToApp>[3]): Promise<AppResponse> {
    return postToApp(this.url, SECRETS.signingSecret, body, options);
  }

  /** `/feedback` typed in the default channel; resolves with the modal Slack opened. */
  async command(
    text = '',
    who: { userId?: string; teamId?: string } = {},
  ): Promise<{ response: AppResponse; view: SimulatedView; responseUrl: string }> {
    const responseUrl = this.slack.responseUrl({ teamId: who.teamId });
    const opened = await this.open((triggerId) => slashCommandBody({ text, responseUrl, triggerId, ...who }), who.teamId);
    return { ...opened, responseUrl };
  }

  /** Sends what `body` builds with a fresh trigger id; resolves with the modal the app opened. */
  async open(
    body: (triggerId: string) => URLSearchParams,
    teamId?: string,
  ): Promise<{ response: AppResponse; view: SimulatedView }> {
    const since = this.slack.calls.length;
    const response = await this.post(body(this.slack.issueTriggerId({ teamId })));
    const call = await this.slack.waitForCall('views.open', (c) => c.seq >= since);
    if (!call.response.ok) throw new Error(`views.open failed: ${JSON.stringify(call.response)}`);
    return { response, view: call.response.view as SimulatedView };
  }

  /** The agent changes one field that dispatches an action; resolves with the updated view. */
  async change(view: SimulatedView, blockId: string, value: string, values: EnteredValues = {}): Promise<SimulatedView> {
    const since = this.slack.calls.length;
    const response = await this.post(blockActionsBody(view, { blockId, value, values }));
    if (response.status !== 200) throw new Error(`block_actions answered ${response.status}`);
    const call = await this.slack.waitForCall('views.update', (c) => c.seq >= since);
    if (!call.response.ok) throw new Error(`views.update failed: ${JSON.stringify(call.response)}`);
    return call.response.view as SimulatedView;
  }

  /** Someone opens the app's Home tab; resolves with the view the app published for them. */
  async home(userId: string): Promise<SimulatedView> {
    const since = this.slack.calls.length;
    const response = await this.post(eventBody({ type: 'app_home_opened', user: userId, channel: 'D0HOME', tab: 'home' }), {
      headers: { 'content-type': 'application/json' },
    });
    if (response.status !== 200) throw new Error(`app_home_opened answered ${response.status}`);
    const call = await this.slack.waitForCall('views.publish', (c) => c.seq >= since && c.args.user_id === userId);
    if (!call.response.ok) throw new Error(`views.publish failed: ${JSON.stringify(call.response)}`);
    return call.response.view as SimulatedView;
  }

  /** `userId` clicks Edit settings on `home`; resolves with the modal Slack opened for them. */
  async openSettings(home: SimulatedView, userId: string): Promise<SimulatedView> {
    const since = this.slack.calls.length;
    await this.post(
      blockActionsBody(home, {
        blockId: 'settings_actions',
        actionId: 'home_edit_settings',
        userId,
        triggerId: this.slack.issueTriggerId(),
      }),
    );
    return (await this.slack.waitForCall('views.open', (c) => c.seq >= since)).response.view as SimulatedView;
  }

  submit(view: SimulatedView, values: EnteredValues): Promise<AppResponse> {
    return this.post(viewSubmissionBody(this.slack.view(view.id) ?? view, { values }));
  }

  /**
   * Stops the app as a shutdown does, which lets everything under way finish: what the
   * simulators recorded is then settled, with no sleeping and guessing.
   */
  stopApp(): Promise<void> {
    this.stopped ??= this.app.stop();
    return this.stopped;
  }

  async close(): Promise<void> {
    await this.stopApp();
    await Promise.all([this.slack.close(), this.twitter.close()]);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
