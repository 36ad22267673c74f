import { setMaxListeners } from 'node:events';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../app/config.js';
import { BOT_SCOPES } from '../../app/slack/installer.js';
import { SlackInstallations } from '../../app/store/installations.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, SlackSimulator, type RecordedCall } from '../simulators/slack.js';
import { TwitterSimulator, type RecordedRequest, type SimulatedUser } from '../simulators/twitter.js';
import { OAUTH_CLIENT, PRIVACY_URL, SECRETS } from '../support/harness.js';
import { WEBHOOK_PASSWORD, WEBHOOK_USER } from './answers.js';

/** A workspace that installed the app, with one agent and one connected business account. */
export interface BenchWorkspace {
  teamId: string;
  botToken: string;
  botUserId: string;
  botId: string;
  agentId: string;
  /** Workspace admins, who see Results. */
  supervisorIds: string[];
  business: SimulatedUser;
  tokens: { access_token: string; access_token_secret: string };
}

/** Twitter allows one request per customer per business account and day. */
export const CUSTOMERS_PER_ACCOUNT = 1_000;
/** Enough that no supervisor opens Results twice at once, at the bench's concurrency. */
const SUPERVISORS_PER_WORKSPACE = 10;
/** How long Twitter's feedback/create takes to answer in every run. */
export const TWITTER_DELAY_MS = 50;

const STATE_SECRET = 'bench-state-secret-0123456789abcdef0123456789';
/** The form an agent has open, as small as it may be: the app only needs its id, to show the outcome in it. */
const OPEN_FORM = JSON.stringify({
  type: 'modal',
  callback_id: 'feedback',
  title: { type: 'plain_text', text: 'Feedback' },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Request Twitter feedback' } }],
});
const OPENING_CONCURRENCY = 16;
const DELAYED_ANSWERS = 10_000;
/** The simulators keep every call for tests to inspect; the bench forgets them this often. */
const FORGET_EVERY_MS = 100;
/** Longer than any run: taps are cancelled when the simulator closes. */
const TAP_MS = 60 * 60 * 1000;

function padded(n: number): string {
  return String(n).padStart(4, '0');
}

function benchWorkspace(n: number): BenchWorkspace {
  const id = padded(n);
  const business = { id_str: String(4_000_000_000_000 + n), screen_name: `Business${id}`, name: `Business ${id}` };
  return {
    teamId: `T0BENCH${id}`,
    botToken: `xoxb-bench-${id}`,
    botUserId: `U0BOT${id}`,
    botId: `B0BOT${id}`,
    agentId: `U0AGENT${id}`,
    supervisorIds: Array.from({ length: SUPERVISORS_PER_WORKSPACE }, (_, k) => `U0SUP${id}${k}`),
    business,
    tokens: { access_token: `${business.id_str}-bench-token`, access_token_secret: `bench-token-secret-${id}` },
  };
}

function customer(k: number): SimulatedUser {
  return { id_str: String(6_000_000_000_000 + k), screen_name: `customer${k}`, name: `Customer ${k}` };
}

export type CallListener = (call: RecordedCall, at: number) => void;

/** Hears a feedback/create: its form, and when it reached Twitter (epoch ms). */
export type CreateListener = (form: Record<string, string>, at: number) => void;

/**
 * Slack and Twitter as the app meets them, on loopback in the bench's process, with many
 * workspaces: Twitter's limits (1,000 requests a day per business account, one per
 * customer) leave room for 100,000 submissions only across 100 accounts. Each workspace
 * has installed the app and connected its own business account, as the app's store
 * records it.
 */
export class World {
  /** Created by Twitter since the bench last counted. */
  private created = 0;
  private listener?: CallListener;
  private createListener?: CreateListener;
  private readonly forgetting: NodeJS.Timeout;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: OPENING_CONCURRENCY });

  private constructor(
    readonly slack: SlackSimulator,
    readonly twitter: TwitterSimulator,
    readonly workspaces: BenchWorkspace[],
    readonly customers: SimulatedUser[],
    readonly dataDir: string,
    /** The environment an app process runs with. */
    readonly env: Record<string, string>,
  ) {
    for (const method of ['views.open', 'views.update', 'views.publish']) {
      // waitForCall shows its predicate each call the moment it is recorded: a predicate
      // that never matches is a listener that knows when each call arrived.
      const hear = (call: RecordedCall) => {
        this.listener?.(call, performance.now());
        return false;
      };
      slack.waitForCall(method, hear, TAP_MS).catch(() => undefined);
    }
    this.forgetting = setInterval(() => this.forget(), FORGET_EVERY_MS).unref();
  }

  static async create(workspaceCount: number): Promise<World> {
    const workspaces = Array.from({ length: workspaceCount }, (_, n) => benchWorkspace(n));
    const customers = Array.from({ length: CUSTOMERS_PER_ACCOUNT }, (_, k) => customer(k));
    const slack = await SlackSimulator.start({
      workspaces: workspaces.map(({ teamId, botToken, botUserId, botId }) => ({ teamId, botToken, botUserId, botId })),
      users: workspaces.flatMap((w) => [
        { id: w.agentId, teamId: w.teamId, name: 'agent' },
        ...w.supervisorIds.map((id) => ({ id, teamId: w.teamId, name: 'supervisor', isAdmin: true })),
      ]),
    });
    // Every answer the Twitter simulator delays listens on one AbortSignal, and the limit is
    // the process's default whenever it is checked: hundreds at once are expected here.
    setMaxListeners(DELAYED_ANSWERS);
    const twitter = await TwitterSimulator.start({
      consumers: { [SECRETS.consumerKey]: SECRETS.consumerSecret },
      tokens: Object.fromEntries(
        workspaces.map((w) => [w.tokens.access_token, { secret: w.tokens.access_token_secret, user: w.business.id_str }]),
      ),
      users: [...workspaces.map((w) => w.business), ...customers],
      // The app's own limit of 1,000 a day per account is the one the bench stays under.
      feedbackLimit: Number.MAX_SAFE_INTEGER,
    });
    twitter.delay(TWITTER_DELAY_MS);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'feedback-bench-'));
    const env: Record<string, string> = {
      SLACK_SIGNING_SECRET: SECRETS.signingSecret,
      SLACK_CLIENT_ID: OAUTH_CLIENT.clientId,
      SLACK_CLIENT_SECRET: OAUTH_CLIENT.clientSecret,
      SLACK_STATE_SECRET: STATE_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      TWITTER_API_URL: twitter.url,
      TWITTER_CONSUMER_KEY: SECRETS.consumerKey,
      TWITTER_CONSUMER_SECRET: SECRETS.consumerSecret,
      STORE_URL: `sqlite://${path.join(dataDir, 'feedback.sqlite')}`,
      ENCRYPTION_KEY: SECRETS.encryptionKey,
      DEFAULT_PRIVACY_URL: PRIVACY_URL,
      TWITTER_WEBHOOK_USER: WEBHOOK_USER,
      TWITTER_WEBHOOK_PASSWORD: WEBHOOK_PASSWORD,
    };
    const world = new World(slack, twitter, workspaces, customers, dataDir, env);
    await world.install(env);
    return world;
  }

  /** The environment of an app on the store at `storeUrl`, which gets every installation and account first. */
  async on(storeUrl: string): Promise<Record<string, string>> {
    const env = { ...this.env, STORE_URL: storeUrl };
    await this.install(env);
    return env;
  }

  /** Hears every views.open, views.update and views.publish as it reaches Slack; one listener at a time. */
  listen(listener: CallListener): void {
    this.listener = listener;
  }

  /** Hears every feedback/create, within FORGET_EVERY_MS of its arrival; one listener at a time. */
  listenToCreates(listener: CreateListener | undefined): void {
    this.createListener = listener;
  }

  /** How many feedback requests Twitter has created, from the start. */
  feedbackCreated(): number {
    this.forget();
    return this.created;
  }

  /**
   * Forms the workspace's agents have open in Slack, ready to be submitted: one each per
   * submission, as a view id the app can then update with the outcome.
   */
  async openForms(workspace: BenchWorkspace, count: number): Promise<string[]> {
    const ids: string[] = [];
    let started = 0;
    const open = () =>
      new Promise<string>((resolve, reject) => {
        const body = new URLSearchParams({
          trigger_id: this.slack.issueTriggerId({ teamId: workspace.teamId }),
          view: OPEN_FORM,
        }).toString();
        const req = request(
          `${this.slack.apiUrl}views.open`,
          {
            method: 'POST',
            agent: this.agent,
            headers: { authorization: `Bearer ${workspace.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => {
              const answer = JSON.parse(text) as { ok: boolean; error?: string; view?: { id: string } };
              if (answer.ok && answer.view) resolve(answer.view.id);
              else reject(new Error(`views.open refused a form: ${answer.error}`));
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    await Promise.all(
      Array.from({ length: Math.min(OPENING_CONCURRENCY, count) }, async () => {
        while (started++ < count) ids.push(await open());
      }),
    );
    return ids;
  }

  async close(): Promise<void> {
    clearInterval(this.forgetting);
    this.agent.destroy();
    await Promise.all([this.slack.close(), this.twitter.close()]);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Every workspace's installation and Twitter account, as installing and connecting leave them. */
  private async install(env: Record<string, string>): Promise<void> {
    const config = loadConfig(env);
    const store = await openStore(config.store);
    const installations = new SlackInstallations(store.records('installations'), { current: config.store.encryptionKey });
    try {
      for (const w of this.workspaces) {
        await installations.storeInstallation({
          team: { id: w.teamId, name: w.teamId.toLowerCase() },
          enterprise: undefined,
          user: { id: w.agentId, token: undefined, scopes: undefined },
          bot: { id: w.botId, userId: w.botUserId, token: w.botToken, scopes: BOT_SCOPES },
          tokenType: 'bot',
          isEnterpriseInstall: false,
          appId: DEFAULTS.appId,
          authVersion: 'v2',
        });
        const { id_str, screen_name, name } = w.business;
        await store.accounts.add({ teamId: w.teamId }, { user_id: id_str, screen_name, name, tokens: w.tokens });
      }
    } finally {
      await store.close();
    }
  }

  private forget(): void {
    if (this.createListener) {
      for (const request of this.twitter.requests.filter((r: RecordedRequest) => r.path === '/1.1/feedback/create.json')) {
        this.createListener(request.form, request.receivedAt.getTime());
      }
    }
    this.created += this.twitter.feedback.length;
    this.twitter.feedback.length = 0;
    this.twitter.requests.length = 0;
    this.slack.calls.length = 0;
  }
}
