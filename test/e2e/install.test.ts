import test, { type ExecutionContext } from 'ava';
import { App, type Installation, type InstallationQuery } from '@slack/bolt';
import { LogLevel, type Logger } from '@slack/logger';
import { WebClient } from '@slack/web-api';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';
import { parse } from 'yaml';
import { appUninstalled } from '../../app/slack/listeners/events/app-uninstalled.js';
import { tokensRevoked } from '../../app/slack/listeners/events/tokens-revoked.js';
import { withoutSecrets } from '../../app/secret-free-logger.js';
import type { SlackOAuthConfig } from '../../app/config.js';
import { BOT_SCOPES, installerOptions } from '../../app/slack/installer.js';
import { forgetWorkspace, SlackInstallations } from '../../app/store/installations.js';
import type { Store } from '../../app/store/store.js';
import { DEFAULTS, OAUTH_CODE_LIFETIME_MS, SlackSimulator, type OAuthCodeOptions } from '../simulators/slack.js';
import { SECRETS } from '../support/harness.js';
import { repoRoot } from '../support/paths.js';
import { eventBody, postToApp, slashCommandBody, type AppResponse } from '../support/slack-requests.js';
import { eachBackend, openTestStore } from '../support/stores.js';

const KEY = randomBytes(32);

/** The store, and the installations kept in it as the app keeps them: with the store's keys. */
async function openWith(storeUrl: string, encryptionKey = KEY, previousEncryptionKey?: Buffer) {
  const store = await openTestStore({ storeUrl, encryptionKey, previousEncryptionKey });
  const keys = { current: encryptionKey, previous: previousEncryptionKey };
  return { store, installations: new SlackInstallations(store.records('installations'), keys) };
}

const TOKENS = {
  bot: 'xoxb-fake-t1',
  botRefresh: 'xoxe-fake-t1b',
  user: 'xoxp-fake-t1',
  userRefresh: 'xoxe-fake-t1u',
};

/** As Bolt's installer builds it from oauth.v2.access. */
function teamInstallation(teamId = 'T0TEAMONE1', tokens = TOKENS): Installation {
  return {
    team: { id: teamId, name: 'Team One' },
    enterprise: undefined,
    user: {
      token: tokens.user,
      refreshToken: tokens.userRefresh,
      expiresAt: 1_900_000_000,
      scopes: ['identify'],
      id: 'U0INSTALL1',
    },
    bot: {
      token: tokens.bot,
      refreshToken: tokens.botRefresh,
      expiresAt: 1_900_000_000,
      scopes: BOT_SCOPES,
      id: 'B0BOTONE01',
      userId: 'U0BOTONE01',
    },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: DEFAULTS.appId,
    authVersion: 'v2',
  };
}

function orgInstallation(enterpriseId = 'E0ORGONE01'): Installation {
  return {
    team: undefined,
    enterprise: { id: enterpriseId, name: 'Org One' },
    user: { token: undefined, scopes: undefined, id: 'W0INSTALL1' },
    bot: { token: 'xoxb-fake-org', scopes: BOT_SCOPES, id: 'B0BOTORG01', userId: 'W0BOTORG01' },
    tokenType: 'bot',
    isEnterpriseInstall: true,
    appId: DEFAULTS.appId,
    enterpriseUrl: 'https://org-one.enterprise.slack.com/',
    authVersion: 'v2',
  };
}

/** What survives storage: fields left undefined are not kept. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function teamQuery(teamId: string, enterpriseId?: string): InstallationQuery<boolean> {
  return { teamId, enterpriseId, isEnterpriseInstall: false };
}

function orgQuery(enterpriseId: string, teamId?: string): InstallationQuery<boolean> {
  return { teamId, enterpriseId, isEnterpriseInstall: true };
}

// ---------------------------------------------------------------------------------------
// The store.

const ACCOUNT = {
  user_id: '1212121212121',
  screen_name: 'AcmeSupport',
  name: 'Acme Support',
  tokens: { access_token: '1212121212121-TwitterToken', access_token_secret: 'TwitterTokenSecret' },
};

eachBackend((backend, test) => {
  test('a workspace installation comes back whole; its tokens are not in the database, the rest is', async (t) => {
    const url = await backend.shared();
    const { store, installations } = await openWith(url);
    const installation = {
      ...teamInstallation(),
      incomingWebhook: { url: 'https://hooks.slack.com/services/T0/B0/SecretHookPath' },
    };
    await installations.storeInstallation(installation);
    const { incomingWebhook: _dropped, ...kept } = installation;
    t.deepEqual(
      plain(await installations.fetchInstallation(teamQuery('T0TEAMONE1'))),
      plain(kept),
      'everything but the unused webhook',
    );
    await store.close();

    const stored = await backend.dump(url);
    t.true(stored.includes('Team One'));
    t.true(stored.includes('B0BOTONE01'));
    for (const secret of [...Object.values(TOKENS), 'SecretHookPath']) t.false(stored.includes(secret), secret);
  });

  test('an organisation-wide installation is filed under its enterprise and found from any of its workspaces', async (t) => {
    const { store, installations } = await openWith(await backend.single());
    await installations.storeInstallation(orgInstallation());
    const inGrid = { ...teamInstallation('T0GRIDTM01'), enterprise: { id: 'E0ORGONE01', name: 'Org One' } };
    await installations.storeInstallation(inGrid);

    const found = await installations.fetchInstallation(orgQuery('E0ORGONE01', 'T0ANYTEAM1'));
    t.deepEqual(plain(found), plain(orgInstallation()));
    t.deepEqual(plain(await installations.fetchInstallation(orgQuery('E0ORGONE01'))), plain(orgInstallation()));
    t.deepEqual(
      plain(await installations.fetchInstallation(teamQuery('T0GRIDTM01', 'E0ORGONE01'))),
      plain(inGrid),
      'a single-workspace install in the grid stays apart',
    );
    await t.throwsAsync(installations.fetchInstallation(teamQuery('E0ORGONE01')), {
      message: /not installed in workspace E0ORGONE01/,
    });
    await t.throwsAsync(installations.fetchInstallation(orgQuery('E0OTHER001', 'T0GRIDTM01')), {
      message: /not installed in organisation E0OTHER001/,
    });
    await t.throwsAsync(
      installations.fetchInstallation({ teamId: 'T0GRIDTM01', enterpriseId: undefined, isEnterpriseInstall: true }),
      {
        message: /enterprise id/,
      },
    );
    await t.throwsAsync(installations.storeInstallation({ ...teamInstallation(), team: undefined }), { message: /team id/ });
    await store.close();
  });

  test('installing again replaces the installation, and deleting it leaves nothing', async (t) => {
    const { store, installations } = await openWith(await backend.single());
    await installations.storeInstallation(teamInstallation());
    // Read first, so that what this instance keeps of it must give way to each change.
    t.deepEqual(plain(await installations.fetchInstallation(teamQuery('T0TEAMONE1'))), plain(teamInstallation()));
    const again = teamInstallation('T0TEAMONE1', {
      bot: 'xoxb-new',
      botRefresh: 'xoxe-new',
      user: 'xoxp-new',
      userRefresh: 'xoxe-user-new',
    });
    await installations.storeInstallation(again);
    t.deepEqual(plain(await installations.fetchInstallation(teamQuery('T0TEAMONE1'))), plain(again));

    await installations.deleteInstallation(teamQuery('T0TEAMONE1'));
    await t.throwsAsync(installations.fetchInstallation(teamQuery('T0TEAMONE1')), { message: /not installed/ });
    t.is(await store.records('installations').get({ teamId: 'T0TEAMONE1' }, 'team'), undefined);
    await store.close();
  });

  test("one workspace's installation is never returned for another, not even copied into its place", async (t) => {
    const { store, installations } = await openWith(await backend.single());
    await installations.storeInstallation(teamInstallation('T0TEAMONE1'));
    await t.throwsAsync(installations.fetchInstallation(teamQuery('T0TEAMTWO2')), {
      message: /not installed in workspace T0TEAMTWO2/,
    });

    const raw = store.records('installations');
    await raw.set({ teamId: 'T0TEAMTWO2' }, 'team', await raw.get({ teamId: 'T0TEAMONE1' }, 'team'));
    const error = await t.throwsAsync(installations.fetchInstallation(teamQuery('T0TEAMTWO2')), { message: /ENCRYPTION_KEY/ });
    for (const secret of Object.values(TOKENS)) t.false(error!.message.includes(secret));
    t.is((await installations.fetchInstallation(teamQuery('T0TEAMONE1'))).bot?.token, TOKENS.bot);
    await store.close();
  });

  test('rotating the key re-seals an installation as it is read', async (t) => {
    const url = await backend.shared();
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = await openWith(url, oldKey);
    await before.installations.storeInstallation(teamInstallation('T0TEAMONE1'));
    await before.installations.storeInstallation(teamInstallation('T0TEAMTWO2'));
    await before.store.close();

    const newOnly = await openWith(url, newKey);
    await t.throwsAsync(newOnly.installations.fetchInstallation(teamQuery('T0TEAMONE1')), { message: /ENCRYPTION_KEY/ });
    await newOnly.store.close();

    const rotating = await openWith(url, newKey, oldKey);
    t.deepEqual(
      plain(await rotating.installations.fetchInstallation(teamQuery('T0TEAMONE1'))),
      plain(teamInstallation('T0TEAMONE1')),
    );
    await rotating.store.close();

    const after = await openWith(url, newKey);
    t.deepEqual(
      plain(await after.installations.fetchInstallation(teamQuery('T0TEAMONE1'))),
      plain(teamInstallation('T0TEAMONE1')),
    );
    // Not read while rotating, so still sealed with the old key.
    await t.throwsAsync(after.installations.fetchInstallation(teamQuery('T0TEAMTWO2')), { message: /ENCRYPTION_KEY/ });
    await after.store.close();
  });

  test("forgetting a workspace removes its installation, Twitter accounts, settings and API keys, and nobody else's", async (t) => {
    const { store, installations } = await openWith(await backend.single());
    for (const teamId of ['T0TEAMONE1', 'T0TEAMTWO2']) {
      await installations.storeInstallation(teamInstallation(teamId));
      await store.accounts.add({ teamId }, ACCOUNT);
      await store.accounts.add({ teamId }, { ...ACCOUNT, user_id: '777', screen_name: 'AcmeHelp' });
      await store.records('settings').set({ teamId }, 'settings', { privacy_url: 'https://acme.example/privacy' });
      await store.records('api-keys').set({ teamId }, 'keys', { keys: [] });
    }
    await forgetWorkspace(store, installations, teamQuery('T0TEAMONE1'));

    await t.throwsAsync(installations.fetchInstallation(teamQuery('T0TEAMONE1')));
    t.deepEqual(await store.accounts.list({ teamId: 'T0TEAMONE1' }), []);
    t.is(await store.records('settings').get({ teamId: 'T0TEAMONE1' }, 'settings'), undefined);
    t.is(await store.records('api-keys').get({ teamId: 'T0TEAMONE1' }, 'keys'), undefined);

    t.is((await installations.fetchInstallation(teamQuery('T0TEAMTWO2'))).bot?.token, TOKENS.bot);
    t.is((await store.accounts.list({ teamId: 'T0TEAMTWO2' })).length, 2);
    t.truthy(await store.records('settings').get({ teamId: 'T0TEAMTWO2' }, 'settings'));
    t.truthy(await store.records('api-keys').get({ teamId: 'T0TEAMTWO2' }, 'keys'));
    await store.close();
  });
});

// ---------------------------------------------------------------------------------------
// The simulator's oauth.v2.access, as the installer meets it.

const OAUTH: SlackOAuthConfig = {
  clientId: '1111111111.2222222222',
  clientSecret: 'sim-client-secret-do-not-log',
  stateSecret: 'sim-state-secret-do-not-log',
};

const NEW_TEAM = { teamId: 'T0NEWTEAM1', teamName: 'Acme Support', botUserId: 'U0NEWBOT01' };

async function simulator(t: ExecutionContext, now?: () => number): Promise<SlackSimulator> {
  const slack = await SlackSimulator.start({ oauthClient: { clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret }, now });
  t.teardown(() => slack.close());
  return slack;
}

function exchange(slack: SlackSimulator, args: Record<string, string>, headers?: Record<string, string>) {
  const client = new WebClient(undefined, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, headers });
  return client.oauth.v2.access(args as never).catch((error: { data: { ok: false; error: string } }) => error.data);
}

/** Records in memory, counting reads: what the installations' cache saves. */
function memoryRecords() {
  const values = new Map<string, unknown>();
  const at = (workspace: { teamId: string }, key: string) => `${workspace.teamId}/${key}`;
  const records = {
    reads: 0,
    async get<T>(workspace: { teamId: string }, key: string) {
      records.reads++;
      return values.get(at(workspace, key)) as T | undefined;
    },
    async set<T>(workspace: { teamId: string }, key: string, value: T) {
      values.set(at(workspace, key), structuredClone(value));
    },
    async delete(workspace: { teamId: string }, key: string) {
      return values.delete(at(workspace, key));
    },
  };
  return records;
}

test('installations are kept 10 seconds, then dropped from memory with their tokens, at most 1,000 at a time', async (t) => {
  let now = 0;
  const records = memoryRecords();
  const installations = new SlackInstallations(records, { current: KEY }, () => now);
  await installations.storeInstallation(teamInstallation('T0TEAMONE1'));
  await installations.storeInstallation(teamInstallation('T0TEAMTWO1'));
  await installations.fetchInstallation(teamQuery('T0TEAMONE1'));
  now = 5_000;
  await installations.fetchInstallation(teamQuery('T0TEAMTWO1'));
  await installations.fetchInstallation(teamQuery('T0TEAMONE1'));
  t.is(records.reads, 2, 'read once each while kept');
  t.is(installations.held, 2);

  now = 10_000;
  await installations.fetchInstallation(teamQuery('T0TEAMTWO1'));
  t.is(installations.held, 1, 'the first is gone once expired, though nobody asked for it again');
  t.is(records.reads, 2);
  now = 15_000;
  await installations.fetchInstallation(teamQuery('T0TEAMTWO1'));
  t.is(records.reads, 3, 'read again once expired');
  t.is(installations.held, 1);

  for (let i = 0; i < 1_010; i++) {
    const teamId = `T0MANY${String(i).padStart(4, '0')}`;
    await installations.storeInstallation(teamInstallation(teamId));
    await installations.fetchInstallation(teamQuery(teamId));
  }
  t.is(installations.held, 1_000);
  const before = records.reads;
  await installations.fetchInstallation(teamQuery('T0MANY1009'));
  t.is(records.reads, before, 'the latest are the ones kept');
});

test('simulated oauth.v2.access: a code is exchanged once for a bot token that then works', async (t) => {
  const slack = await simulator(t);
  const code = slack.issueOAuthCode({ ...NEW_TEAM, enterpriseId: 'E0GRID0001', scopes: ['commands', 'chat:write'] });
  const answer = await exchange(slack, { client_id: OAUTH.clientId, client_secret: OAUTH.clientSecret, code });
  t.like(answer, {
    ok: true,
    app_id: DEFAULTS.appId,
    authed_user: { id: DEFAULTS.userId },
    scope: 'commands,chat:write',
    token_type: 'bot',
    bot_user_id: NEW_TEAM.botUserId,
    team: { id: NEW_TEAM.teamId, name: NEW_TEAM.teamName },
    enterprise: { id: 'E0GRID0001' },
    is_enterprise_install: false,
  });
  const token = (answer as { access_token: string }).access_token;
  t.regex(token, /^xoxb-/);
  t.false(JSON.stringify(slack.callsTo('oauth.v2.access')[0].args).includes(OAUTH.clientSecret), 'the secret is not recorded');

  const auth = await new WebClient(token, { slackApiUrl: slack.apiUrl }).auth.test();
  t.like(auth, {
    team_id: NEW_TEAM.teamId,
    user_id: NEW_TEAM.botUserId,
    bot_id: 'B0NEWBOT01',
    enterprise_id: 'E0GRID0001',
    is_enterprise_install: false,
  });

  const again = await exchange(slack, { client_id: OAUTH.clientId, client_secret: OAUTH.clientSecret, code });
  t.is(again.error, 'invalid_code');
});

test('simulated oauth.v2.access: client credentials by HTTP Basic auth; an organisation-wide token', async (t) => {
  const slack = await simulator(t);
  const code = slack.issueOAuthCode({
    enterpriseId: 'E0ORGONE01',
    enterpriseName: 'Org One',
    isEnterpriseInstall: true,
    scopes: BOT_SCOPES,
    botUserId: 'W0BOTORG01',
  });
  const basic = Buffer.from(`${OAUTH.clientId}:${OAUTH.clientSecret}`).toString('base64');
  const answer = await exchange(slack, { code }, { Authorization: `Basic ${basic}` });
  t.like(answer, { ok: true, team: null, enterprise: { id: 'E0ORGONE01', name: 'Org One' }, is_enterprise_install: true });

  const auth = await new WebClient((answer as { access_token: string }).access_token, { slackApiUrl: slack.apiUrl }).auth.test();
  t.like(auth, { user_id: 'W0BOTORG01', bot_id: 'B0BOTORG01', enterprise_id: 'E0ORGONE01', is_enterprise_install: true });
  t.regex(auth.url ?? '', /^https:\/\/.+\/$/);
});

test('simulated oauth.v2.access refuses a wrong client, secret, code or redirect_uri, and an old code', async (t) => {
  const clock = { now: 1_700_000_000_000 };
  const slack = await simulator(t, () => clock.now);
  const redirectUri = 'https://feedback.example.com/slack/oauth_redirect';
  const code = slack.issueOAuthCode({ ...NEW_TEAM, scopes: BOT_SCOPES, redirectUri });
  const good = { client_id: OAUTH.clientId, client_secret: OAUTH.clientSecret, code, redirect_uri: redirectUri };
  t.is((await exchange(slack, { ...good, client_id: '999.999' })).error, 'invalid_client_id');
  t.is((await exchange(slack, { ...good, client_secret: 'wrong' })).error, 'bad_client_secret');
  t.is((await exchange(slack, { ...good, code: 'made.up.code' })).error, 'invalid_code');
  t.is((await exchange(slack, { ...good, redirect_uri: 'https://elsewhere.example/cb' })).error, 'bad_redirect_uri');
  const { redirect_uri: _left, ...withoutRedirect } = good;
  t.is((await exchange(slack, withoutRedirect)).error, 'bad_redirect_uri');
  clock.now += OAUTH_CODE_LIFETIME_MS + 1;
  t.is((await exchange(slack, good)).error, 'invalid_code');

  const fresh = slack.issueOAuthCode({ ...NEW_TEAM, scopes: BOT_SCOPES, redirectUri });
  t.true((await exchange(slack, { ...good, code: fresh })).ok, 'refusals did not use the code up');
});

// ---------------------------------------------------------------------------------------
// Installing over HTTP: a Bolt App built as the app builds it, against the Slack simulator.

/** Every line logged, at debug level, so that a secret printed anywhere shows. */
class CapturingLogger implements Logger {
  readonly messages: unknown[][] = [];
  readonly lines: string[] = [];
  private level = LogLevel.DEBUG;
  debug(...msg: unknown[]) {
    this.messages.push(msg);
    this.lines.push(msg.map((m) => (typeof m === 'string' ? m : inspect(m, { depth: Infinity }))).join(' '));
  }
  info(...msg: unknown[]) {
    this.debug(...msg);
  }
  warn(...msg: unknown[]) {
    this.debug(...msg);
  }
  error(...msg: unknown[]) {
    this.debug(...msg);
  }
  setLevel(level: LogLevel) {
    this.level = level;
  }
  getLevel() {
    return this.level;
  }
  setName() {}
}

interface Authorized {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  botToken?: string;
}

interface Installer {
  slack: SlackSimulator;
  store: Store;
  installations: SlackInstallations;
  base: string;
  logger: CapturingLogger;
  /** What each /feedback the app accepted was authorized with. */
  authorized: Authorized[];
  /** The ids of the events whose listeners are done. */
  settled: Set<string>;
}

const MODAL = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Feedback' }, blocks: [] };

async function startInstaller(t: ExecutionContext, storeUrl: string, oauth: SlackOAuthConfig = OAUTH): Promise<Installer> {
  const slack = await simulator(t);
  const { store, installations } = await openWith(storeUrl);
  const logger = new CapturingLogger();
  const authorized: Authorized[] = [];
  const settled = new Set<string>();
  const app = new App({
    signingSecret: SECRETS.signingSecret,
    logger: withoutSecrets(logger, [SECRETS.signingSecret, oauth.clientSecret, oauth.stateSecret]),
    logLevel: logger.getLevel(),
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    ...installerOptions(oauth, installations),
  });
  // Events are acknowledged before their listeners run; this tells when they are done.
  app.use(async ({ next, body }) => {
    try {
      await next();
    } finally {
      const id = (body as { event_id?: string }).event_id;
      if (id) settled.add(id);
    }
  });
  app.command('/feedback', async ({ ack, body, client, context }) => {
    await ack();
    const { teamId, enterpriseId, isEnterpriseInstall, botToken } = context;
    authorized.push({ teamId, enterpriseId, isEnterpriseInstall, botToken });
    // The simulator answers an organisation-wide token for auth.test only.
    if (!context.isEnterpriseInstall) await client.views.open({ trigger_id: body.trigger_id, view: MODAL });
  });
  app.event(
    'app_uninstalled',
    appUninstalled((key) => forgetWorkspace(store, installations, key)),
  );
  app.event('tokens_revoked', tokensRevoked(installations));
  const server = (await app.start(0)) as Server;
  t.teardown(async () => {
    await app.stop();
    await store.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { slack, store, installations, base, logger, authorized, settled };
}

interface Started {
  location: URL;
  /** The Cookie header a browser would send back. */
  cookie: string;
}

async function startInstall(env: Installer): Promise<Started> {
  const response = await fetch(`${env.base}/slack/install`, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`/slack/install answered ${response.status}`);
  return {
    location: new URL(response.headers.get('location') ?? ''),
    cookie: response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
  };
}

/** Slack's consent page sends the browser back to the app with a code. */
async function returnFromSlack(
  env: Installer,
  started: Started,
  code: string,
  cookie = started.cookie,
): Promise<{ status: number; text: string }> {
  const state = started.location.searchParams.get('state') ?? '';
  const path = new URL(started.location.searchParams.get('redirect_uri') ?? `${env.base}/slack/oauth_redirect`).pathname;
  const query = new URLSearchParams({ code, state });
  const response = await fetch(`${env.base}${path}?${query}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  return { status: response.status, text: await response.text() };
}

type Grant = Omit<OAuthCodeOptions, 'scopes' | 'redirectUri'>;

async function install(env: Installer, grant: Grant): Promise<{ status: number; text: string; botToken: string }> {
  const started = await startInstall(env);
  const code = env.slack.issueOAuthCode({
    ...grant,
    scopes: (started.location.searchParams.get('scope') ?? '').split(','),
    redirectUri: started.location.searchParams.get('redirect_uri') ?? undefined,
  });
  const answer = await returnFromSlack(env, started, code);
  const exchanged = env.slack.callsTo('oauth.v2.access').at(-1);
  return { ...answer, botToken: exchanged?.response.access_token as string };
}

function command(env: Installer, teamId: string, extra: Record<string, string> = {}): Promise<AppResponse> {
  const body = slashCommandBody({
    teamId,
    responseUrl: env.slack.responseUrl({ teamId }),
    triggerId: env.slack.issueTriggerId({ teamId }),
  });
  for (const [name, value] of Object.entries(extra)) body.set(name, value);
  return postToApp(`${env.base}/slack/events`, SECRETS.signingSecret, body);
}

/** Resolves once the app answered the event and, when it took it, its listeners are done. */
async function event(env: Installer, body: string): Promise<AppResponse> {
  const response = await postToApp(`${env.base}/slack/events`, SECRETS.signingSecret, body, {
    headers: { 'content-type': 'application/json' },
  });
  const { event_id: id } = JSON.parse(body) as { event_id: string };
  for (const started = Date.now(); response.status === 200 && !env.settled.has(id); await delay(5)) {
    if (Date.now() - started > 30_000) throw new Error(`the listeners of event ${id} did not finish`);
  }
  return response;
}

const installed = (env: Installer, query: InstallationQuery<boolean>) =>
  env.installations.fetchInstallation(query).then(
    () => true,
    () => false,
  );

test('the install asks every workspace for exactly the bot scopes of manifest.yml', (t) => {
  const manifest = parse(readFileSync(join(repoRoot, 'manifest.yml'), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };
  t.deepEqual([...BOT_SCOPES].sort(), [...manifest.oauth_config.scopes.bot].sort());
});

eachBackend((backend, test) => {
  test("GET /slack/install sets the state cookie and sends the browser to Slack's consent page", async (t) => {
    const env = await startInstaller(t, await backend.single());
    const started = await startInstall(env);
    t.is(`${started.location.origin}${started.location.pathname}`, 'https://slack.com/oauth/v2/authorize');
    t.is(started.location.searchParams.get('client_id'), OAUTH.clientId);
    t.is(started.location.searchParams.get('scope'), BOT_SCOPES.join(','));
    t.is(started.location.searchParams.get('redirect_uri'), null, 'Slack uses the Redirect URL configured for the app');
    const state = started.location.searchParams.get('state');
    t.truthy(state);
    t.is(started.cookie, `slack-app-oauth-state=${state}`);
  });

  test('a workspace installs the app, uses it with its own bot token, and uninstalls it', async (t) => {
    const env = await startInstaller(t, await backend.single());
    t.is((await command(env, NEW_TEAM.teamId)).status, 401, 'not installed yet');

    const { status, text, botToken } = await install(env, NEW_TEAM);
    t.is(status, 200);
    t.regex(text, /Thank you!/);
    t.regex(text, new RegExp(`slack://app\\?team=${NEW_TEAM.teamId}&amp;id=${DEFAULTS.appId}`));
    const exchange = env.slack.callsTo('oauth.v2.access')[0];
    t.is(exchange.args.client_id, OAUTH.clientId);
    t.true(exchange.response.ok);
    const stored = await env.installations.fetchInstallation(teamQuery(NEW_TEAM.teamId));
    t.like(stored, {
      team: { id: NEW_TEAM.teamId, name: NEW_TEAM.teamName },
      isEnterpriseInstall: false,
      bot: { token: botToken, userId: NEW_TEAM.botUserId, id: 'B0NEWBOT01', scopes: BOT_SCOPES },
    });

    const since = env.slack.calls.length;
    t.is((await command(env, NEW_TEAM.teamId)).status, 200);
    const opened = await env.slack.waitForCall('views.open', (c) => c.seq >= since);
    t.is(opened.team, NEW_TEAM.teamId, 'called with the token Slack issued to that workspace');
    t.true(opened.response.ok);
    t.like(env.authorized, [{ teamId: NEW_TEAM.teamId, botToken, isEnterpriseInstall: false }]);

    const workspace = { teamId: NEW_TEAM.teamId };
    await env.store.accounts.add(workspace, ACCOUNT);
    await env.store.records('settings').set(workspace, 'settings', { privacy_url: 'https://acme.example/privacy' });
    t.is((await event(env, eventBody({ type: 'app_uninstalled' }, NEW_TEAM.teamId))).status, 200);
    t.false(await installed(env, teamQuery(NEW_TEAM.teamId)));
    t.deepEqual(await env.store.accounts.list(workspace), []);
    t.is(await env.store.records('settings').get(workspace, 'settings'), undefined);

    const after = env.slack.calls.length;
    t.is((await command(env, NEW_TEAM.teamId)).status, 401);
    t.deepEqual(
      env.slack.calls.slice(after).map((c) => c.method),
      [],
      'no Slack call for an uninstalled workspace',
    );
  });

  test("the redirect is refused without the browser's state cookie, or with a code Slack did not issue", async (t) => {
    const env = await startInstaller(t, await backend.single());
    const started = await startInstall(env);
    const code = env.slack.issueOAuthCode({ ...NEW_TEAM, scopes: BOT_SCOPES });

    const noCookie = await returnFromSlack(env, started, code, '');
    t.is(noCookie.status, 400);
    t.deepEqual(env.slack.callsTo('oauth.v2.access'), [], 'the code was not even exchanged');

    const unknown = await returnFromSlack(env, await startInstall(env), 'made.up.code');
    t.is(unknown.status, 500);
    t.is(env.slack.callsTo('oauth.v2.access')[0].response.error, 'invalid_code');
    t.false(await installed(env, teamQuery(NEW_TEAM.teamId)));
  });

  test('with a redirect URI configured, Slack is told it, the app serves its path and the exchange names it', async (t) => {
    const redirectUri = 'https://feedback.example.com/slack/installed';
    const env = await startInstaller(t, await backend.single(), { ...OAUTH, redirectUri });
    const { status } = await install(env, NEW_TEAM);
    t.is(status, 200);
    t.is((await fetch(`${env.base}/slack/oauth_redirect`)).status, 404, 'only the configured path');
    t.is(env.slack.callsTo('oauth.v2.access')[0].args.redirect_uri, redirectUri);
    t.true(await installed(env, teamQuery(NEW_TEAM.teamId)));
  });

  test('an organisation-wide install authorizes requests from every workspace of the organisation', async (t) => {
    const env = await startInstaller(t, await backend.single());
    const { status, botToken } = await install(env, {
      enterpriseId: 'E0ORGONE01',
      enterpriseName: 'Org One',
      isEnterpriseInstall: true,
      botUserId: 'W0BOTORG01',
    });
    t.is(status, 200);
    t.like(await env.installations.fetchInstallation(orgQuery('E0ORGONE01')), {
      enterprise: { id: 'E0ORGONE01' },
      isEnterpriseInstall: true,
      enterpriseUrl: 'https://e0orgone01.enterprise.slack.com/',
      bot: { token: botToken, id: 'B0BOTORG01' },
    });

    const fromOrg = { enterprise_id: 'E0ORGONE01', is_enterprise_install: 'true' };
    t.is((await command(env, 'T0ORGTEAM1', fromOrg)).status, 200);
    t.is((await command(env, 'T0ORGTEAM2', fromOrg)).status, 200);
    t.deepEqual(env.authorized, [
      { teamId: 'T0ORGTEAM1', enterpriseId: 'E0ORGONE01', isEnterpriseInstall: true, botToken },
      { teamId: 'T0ORGTEAM2', enterpriseId: 'E0ORGONE01', isEnterpriseInstall: true, botToken },
    ]);
    t.is((await command(env, 'T0ORGTEAM1', { enterprise_id: 'E0OTHER001', is_enterprise_install: 'true' })).status, 401);
    t.is((await command(env, 'T0ORGTEAM1')).status, 401, 'not installed in the workspace on its own');

    const uninstall = JSON.parse(eventBody({ type: 'app_uninstalled' }, 'T0ORGTEAM1'));
    uninstall.enterprise_id = 'E0ORGONE01';
    uninstall.authorizations = [
      { enterprise_id: 'E0ORGONE01', team_id: null, user_id: 'W0BOTORG01', is_bot: true, is_enterprise_install: true },
    ];
    t.is((await event(env, JSON.stringify(uninstall))).status, 200);
    t.false(await installed(env, orgQuery('E0ORGONE01')));
    t.is((await command(env, 'T0ORGTEAM2', fromOrg)).status, 401);
  });

  test("a revoked bot token drops the installation but keeps the workspace's accounts; revoked user tokens change nothing", async (t) => {
    const env = await startInstaller(t, await backend.single());
    await install(env, NEW_TEAM);
    const workspace = { teamId: NEW_TEAM.teamId };
    await env.store.accounts.add(workspace, ACCOUNT);

    t.is(
      (await event(env, eventBody({ type: 'tokens_revoked', tokens: { oauth: ['U0SOMEONE1'] } }, NEW_TEAM.teamId))).status,
      200,
    );
    t.true(await installed(env, teamQuery(NEW_TEAM.teamId)));
    t.is(
      (await event(env, eventBody({ type: 'tokens_revoked', tokens: { bot: [NEW_TEAM.botUserId] } }, NEW_TEAM.teamId))).status,
      200,
    );
    t.false(await installed(env, teamQuery(NEW_TEAM.teamId)));
    t.is((await env.store.accounts.list(workspace)).length, 1);
  });

  test('no secret reaches the logs, even at debug level', async (t) => {
    const env = await startInstaller(t, await backend.single());
    const { botToken } = await install(env, NEW_TEAM);
    await command(env, NEW_TEAM.teamId);
    await env.slack.waitForCall('views.open');
    await returnFromSlack(env, await startInstall(env), 'made.up.code');
    await event(env, eventBody({ type: 'app_uninstalled' }, NEW_TEAM.teamId));
    await command(env, NEW_TEAM.teamId);

    t.true(env.logger.lines.length > 0);
    const logs = env.logger.lines.join('\n');
    for (const secret of [OAUTH.clientSecret, OAUTH.stateSecret, SECRETS.signingSecret, botToken]) {
      t.false(logs.includes(secret), `${secret.slice(0, 8)}… was logged`);
    }
  });
});

test('the logger hides secrets in messages and in what objects print, and passes the rest as it was', (t) => {
  const inner = new CapturingLogger();
  const logger = withoutSecrets(inner, ['hunter2', 'hunter2-long', undefined]);
  const detail = { status: 400 };
  logger.warn('body: {"client_secret":"hunter2"}', new Error('refused hunter2-long'), detail);
  const [message, printedError, passed] = inner.messages[0];
  t.is(message, 'body: {"client_secret":"[hidden]"}');
  t.regex(printedError as string, /^Error: refused \[hidden\]\n/);
  t.is(passed, detail);
  logger.setLevel(LogLevel.WARN);
  t.is(inner.getLevel(), LogLevel.WARN);
});
