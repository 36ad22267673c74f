import { App, LogLevel } from '@slack/bolt';
import test, { type ExecutionContext } from 'ava';
import fetch from 'node-fetch';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connectRoutes } from '../app/http/connect-routes.js';
import { CONNECT_LIFETIME_MS, TwitterConnect, type TwitterConnectOptions } from '../app/services/twitter-connect.js';
import type { AccountSummary, Workspace } from '../app/store/accounts.js';
import { openStore } from '../app/store/store.js';
import { TwitterClient, type RequestToken } from '../app/twitter/client.js';
import { TwitterSimulator } from './simulators/twitter.js';
import { closedPort } from './support/temporary.js';

/** Where the app says it lives; the test's browser resolves it to the app on loopback. */
const PUBLIC_URL = 'https://feedback.example';
const CALLBACK_URL = `${PUBLIC_URL}/twitter/callback`;
const CONSUMER = { key: 'connect-consumer-key', secret: 'connect-consumer-secret-do-not-show' };
const ACME = { id_str: '1212121212121', screen_name: 'AcmeSupport', name: 'Acme Support' };
const ACME_WORKSPACE: Workspace = { teamId: 'T0ACME0001' };
const OTHER_WORKSPACE: Workspace = { teamId: 'T0OTHER002' };
const ADMIN = 'U0ADMIN001';
const AGAIN = "Open the app's Home in Slack and click Connect Twitter account again.";

/** Keeps the request tokens it is issued, so pages can be searched for their secrets. */
class RecordingClient extends TwitterClient {
  readonly issued: RequestToken[] = [];

  override async requestToken(callbackUrl: string) {
    const answer = await super.requestToken(callbackUrl);
    if (answer.ok) this.issued.push(answer.data);
    return answer;
  }
}

/** One answer of the app, as the browser got it. */
interface Visit {
  status: number;
  location: string | null;
  headers: Record<string, string>;
  text: string;
  /** What a reader sees: one line per heading or paragraph. */
  words: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' };

function words(html: string): string {
  return html
    .replace(/<style>.*?<\/style>/g, '')
    .replace(/<\/(title|h1|p)>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ENTITIES[name]);
}

type Connected = [Workspace, AccountSummary, string];

async function setup(t: ExecutionContext, options: Partial<TwitterConnectOptions> = {}) {
  const sim = await TwitterSimulator.start({ consumers: { [CONSUMER.key]: CONSUMER.secret }, tokens: {}, users: [ACME] });
  const store = await openStore({ storeUrl: 'sqlite://:memory:', encryptionKey: randomBytes(32) });
  const twitter = new RecordingClient({ apiUrl: sim.url, consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret });
  const clock = { now: Date.now() };
  const connected: Connected[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const connect = new TwitterConnect({
    store,
    twitter,
    // With the trailing slash people often write: no address may come out with '//'.
    publicUrl: `${PUBLIC_URL}/`,
    now: () => clock.now,
    onConnected: (...args) => {
      connected.push(args);
    },
    warn: (message) => warnings.push(message),
    ...options,
  });
  const app = new App({
    signingSecret: 'connect-test-signing-secret',
    authorize: async () => ({ botToken: 'xoxb-connect' }),
    customRoutes: connectRoutes(connect, { error: (message) => errors.push(message) }),
    logLevel: LogLevel.ERROR,
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.teardown(async () => {
    await app.stop();
    await store.close();
    await sim.close();
  });

  const visits: Visit[] = [];
  /** Follows no redirect by itself; every answer of the app is kept and its headers checked. */
  const browse = async (url: string): Promise<Visit> => {
    const ours = url.startsWith(`${PUBLIC_URL}/`);
    const response = await fetch(ours ? appUrl + url.slice(PUBLIC_URL.length) : url, { redirect: 'manual' });
    const text = await response.text();
    const visit: Visit = {
      status: response.status,
      location: response.headers.get('location'),
      headers: Object.fromEntries(response.headers),
      text,
      words: words(text),
    };
    if (ours) {
      visits.push(visit);
      t.like(visit.headers, { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, url);
    }
    return visit;
  };
  /** The admin's way from the link to Twitter and back: resolves with the callback address. */
  const authorize = async (link: string): Promise<string> => {
    const started = await browse(link);
    t.is(started.status, 302, started.text);
    const back = await browse(started.location ?? '');
    t.is(back.status, 302, back.text);
    return back.location ?? '';
  };
  const exchanges = () => sim.requests.filter((r) => r.path === '/oauth/access_token').length;
  return { sim, store, twitter, connect, clock, connected, warnings, errors, visits, browse, authorize, exchanges };
}

test('an admin connects the business account from a link, for that workspace only', async (t) => {
  const { sim, store, twitter, connect, connected, browse } = await setup(t);
  const link = await connect.createLink(ACME_WORKSPACE, ADMIN, 'Acme Corp');
  t.regex(link, /^https:\/\/feedback\.example\/twitter\/connect\?link=[A-Za-z0-9_-]{43}$/);

  const started = await browse(link);
  t.is(started.status, 302);
  const [issued] = twitter.issued;
  t.is(started.location, `${sim.url}/oauth/authorize?oauth_token=${issued.oauth_token}`);
  t.like(sim.requests[0], { method: 'POST', path: '/oauth/request_token', verified: true });
  t.is(sim.requests[0].oauth.oauth_callback, CALLBACK_URL);

  const back = new URL((await browse(started.location!)).location ?? '');
  t.is(`${back.origin}${back.pathname}`, CALLBACK_URL);
  const done = await browse(back.href);
  t.is(done.status, 200);
  t.is(done.headers['content-type'], 'text/html; charset=utf-8');
  t.is(
    done.words,
    'Twitter account connected\nTwitter account connected\nConnected @AcmeSupport to Acme Corp.\nYou can close this tab and return to Slack.\n',
  );
  t.like(sim.requests.at(-2), { path: '/oauth/access_token', verified: true });
  t.is(sim.requests.at(-2)!.oauth.oauth_verifier, back.searchParams.get('oauth_verifier')!);

  const [summary] = await store.accounts.list(ACME_WORKSPACE);
  t.like(summary, { user_id: ACME.id_str, screen_name: ACME.screen_name, name: ACME.name, added_by: ADMIN, needs_reconnect: false });
  t.deepEqual(await store.accounts.list(OTHER_WORKSPACE), []);
  t.is(await store.accounts.get(OTHER_WORKSPACE, ACME.id_str), undefined);
  const account = await store.accounts.get(ACME_WORKSPACE, ACME.id_str);
  const me = await twitter.verifyCredentials(account!.tokens);
  t.deepEqual(me.ok && me.data, ACME);
  t.deepEqual(connected, [[ACME_WORKSPACE, summary, ADMIN]]);
  t.false('tokens' in connected[0][1]);
});

test('a link works once', async (t) => {
  const { twitter, connect, browse } = await setup(t);
  const link = await connect.createLink(ACME_WORKSPACE, ADMIN);
  t.is((await browse(link)).status, 302);
  const again = await browse(link);
  t.is(again.status, 410);
  t.true(again.words.includes('This link was already used'));
  t.true(again.words.includes(AGAIN));
  t.is(twitter.issued.length, 1);
});

test('two visits of one link at the same moment start one sign-in', async (t) => {
  const { twitter, connect, browse } = await setup(t);
  const link = await connect.createLink(ACME_WORKSPACE, ADMIN);
  const visits = await Promise.all([browse(link), browse(link), browse(link)]);
  t.deepEqual(visits.map((v) => v.status).sort(), [302, 410, 410]);
  t.is(twitter.issued.length, 1);
});

test('a link the app did not make leads nowhere', async (t) => {
  const { sim, browse } = await setup(t);
  for (const query of ['', '?link=', '?link=short', `?link=${randomBytes(32).toString('base64url')}`]) {
    const visit = await browse(`${PUBLIC_URL}/twitter/connect${query}`);
    t.is(visit.status, 404, query);
    t.true(visit.words.includes('This link does not work'), query);
    t.true(visit.words.includes(AGAIN), query);
  }
  t.deepEqual(sim.requests, []);
});

test('a link works for 10 minutes', async (t) => {
  const { twitter, connect, clock, browse } = await setup(t);
  const first = await connect.createLink(ACME_WORKSPACE, ADMIN);
  const second = await connect.createLink(ACME_WORKSPACE, ADMIN);
  clock.now += CONNECT_LIFETIME_MS;
  t.is((await browse(first)).status, 302);
  clock.now += 1;
  const late = await browse(second);
  t.is(late.status, 410);
  t.true(late.words.includes('This link has expired'));
  t.true(late.words.includes(AGAIN));
  t.is(twitter.issued.length, 1);
});

test('a return the app did not start connects nothing', async (t) => {
  const { store, twitter, browse, exchanges } = await setup(t);
  // A genuine sign-in on Twitter, started by someone other than the app.
  const foreign = await twitter.requestToken(CALLBACK_URL);
  if (!foreign.ok) throw new Error('the simulator issued no request token');
  const back = (await browse(twitter.authorizeUrl(foreign.data.oauth_token))).location ?? '';
  t.true(back.startsWith(CALLBACK_URL));
  const unknown = await browse(back);
  t.is(unknown.status, 404);
  t.true(unknown.words.includes('This sign-in is unknown'));
  t.true(unknown.words.includes(AGAIN));

  const incomplete = await browse(`${CALLBACK_URL}?oauth_token=${foreign.data.oauth_token}`);
  t.is(incomplete.status, 400);
  t.true(incomplete.words.includes('Twitter sent an incomplete answer'));
  t.is(exchanges(), 0);
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), []);
});

test('a return is answered once, even when it arrives twice at the same moment', async (t) => {
  const { store, connect, connected, browse, authorize, exchanges } = await setup(t);
  const back = await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  const answers = await Promise.all([browse(back), browse(back)]);
  t.deepEqual(answers.map((a) => a.status).sort(), [200, 410]);
  const replay = await browse(back);
  t.is(replay.status, 410);
  t.true(replay.words.includes('This sign-in was already finished'));
  t.is(exchanges(), 1);
  t.is(connected.length, 1);
  t.is((await store.accounts.list(ACME_WORKSPACE)).length, 1);
});

test('the sign-in on Twitter must come back within 10 minutes', async (t) => {
  const { store, connect, clock, browse, authorize, exchanges } = await setup(t);
  const [first, second] = [
    await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN)),
    await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN)),
  ];
  clock.now += CONNECT_LIFETIME_MS;
  t.is((await browse(first)).status, 200);
  clock.now += 1;
  const late = await browse(second);
  t.is(late.status, 410);
  t.true(late.words.includes('This sign-in has expired'));
  t.true(late.words.includes(AGAIN));
  t.is(exchanges(), 1);
  t.is((await store.accounts.list(ACME_WORKSPACE)).length, 1);
});

test('a denied authorization connects nothing and says so', async (t) => {
  const { sim, store, connect, connected, browse, authorize, exchanges } = await setup(t);
  sim.denyAuthorization();
  const back = new URL(await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN)));
  t.true(back.searchParams.has('denied'));
  const page = await browse(back.href);
  t.is(page.status, 200);
  t.true(page.words.includes('You did not authorize the app on Twitter, so nothing was connected.'));
  t.true(page.words.includes(AGAIN));
  t.is(exchanges(), 0);
  t.deepEqual(connected, []);
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), []);
});

test('when Twitter will not start the sign-in, the page says why and the same link works again', async (t) => {
  const { sim, connect, browse } = await setup(t);
  const link = await connect.createLink(ACME_WORKSPACE, ADMIN);
  const answers = [
    { status: 403, errors: [{ code: 415, message: 'Callback URL not approved for this client application.' }] },
    { status: 401, errors: [{ code: 32, message: 'Could not authenticate you.' }] },
    { status: 503, errors: [{ code: 130, message: 'Over capacity' }] },
  ];
  const expected = [
    `Twitter does not accept the app's return address, ${CALLBACK_URL}: whoever runs the app must add it to the Callback URLs`,
    'check TWITTER_CONSUMER_KEY and TWITTER_CONSUMER_SECRET',
    'Twitter refused (HTTP 503).',
  ];
  for (const [i, answer] of answers.entries()) {
    sim.failNext({ path: '/oauth/request_token', ...answer });
    const page = await browse(link);
    t.is(page.status, 502);
    t.true(page.words.includes(expected[i]), page.words);
    t.true(page.words.includes('Nothing was connected.\nReload this page in a few minutes to try again.\n'));
  }
  t.is((await browse(link)).status, 302);
});

test('a Twitter that cannot be reached is named as such', async (t) => {
  const unreachable = new TwitterClient({ apiUrl: `http://127.0.0.1:${await closedPort()}`, consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret });
  const { connect, browse } = await setup(t, { twitter: unreachable });
  const page = await browse(await connect.createLink(ACME_WORKSPACE, ADMIN));
  t.is(page.status, 502);
  t.true(page.words.includes('Twitter could not be reached. Nothing was connected.'));
});

test('when Twitter does not confirm the authorization, nothing is connected', async (t) => {
  const { sim, store, connect, connected, browse, authorize } = await setup(t);
  const back = await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  sim.failNext({ path: '/oauth/access_token', status: 401, rawBody: 'Error processing your OAuth request: Invalid oauth_verifier parameter' });
  const page = await browse(back);
  t.is(page.status, 502);
  t.true(page.words.includes(`Twitter did not confirm the authorization. Nothing was connected.\n${AGAIN}\n`), page.words);
  t.deepEqual(connected, []);
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), []);
});

test('without an answer from verify_credentials the screen name stands in for the name', async (t) => {
  const { sim, store, connect, browse, authorize } = await setup(t);
  const back = await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  sim.failNext({ path: '/1.1/account/verify_credentials.json', status: 503, errors: [{ code: 130, message: 'Over capacity' }] });
  const page = await browse(back);
  t.is(page.status, 200);
  t.true(page.words.includes(`Connected @AcmeSupport to the Slack workspace ${ACME_WORKSPACE.teamId}.`));
  t.like((await store.accounts.list(ACME_WORKSPACE))[0], { user_id: ACME.id_str, name: ACME.screen_name });
});

test('an account stays connected when what follows the connection fails', async (t) => {
  const onConnected = () => Promise.reject(new Error('views.publish answered not_authed'));
  const { store, connect, warnings, browse, authorize } = await setup(t, { onConnected });
  const page = await browse(await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN)));
  t.is(page.status, 200);
  t.is((await store.accounts.list(ACME_WORKSPACE)).length, 1);
  t.deepEqual(warnings, [
    `Connected @AcmeSupport to workspace ${ACME_WORKSPACE.teamId}, but onConnected failed: views.publish answered not_authed`,
  ]);
});

test('a failure inside the app answers a page and logs no part of the query', async (t) => {
  const { store, connect, errors, browse } = await setup(t);
  const link = await connect.createLink(ACME_WORKSPACE, ADMIN);
  await store.close();
  const page = await browse(link);
  t.is(page.status, 500);
  t.true(page.words.startsWith('Something went wrong\n'), page.words);
  t.is(errors.length, 1);
  t.true(errors[0].startsWith('GET /twitter/connect failed: '), errors[0]);
  t.false(errors[0].includes(new URL(link).searchParams.get('link')!));
});

test('pages show the workspace name as text, never as markup', async (t) => {
  const { connect, browse, authorize } = await setup(t);
  const back = await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN, '<img src=x> & "Co"'));
  const page = await browse(back);
  t.true(page.text.includes('Connected @AcmeSupport to &lt;img src=x&gt; &amp; &quot;Co&quot;.'));
  t.true(page.words.includes('Connected @AcmeSupport to <img src=x> & "Co".'));
  t.false(page.text.includes('<img'));
  t.regex(page.headers['content-security-policy'], /default-src 'none'/);
});

test('no answer of the app shows a secret, a verifier, a token or a link', async (t) => {
  const { sim, store, twitter, connect, clock, visits, browse, authorize } = await setup(t);
  const links = [await connect.createLink(ACME_WORKSPACE, ADMIN), await connect.createLink(ACME_WORKSPACE, ADMIN)];
  const expiring = await connect.createLink(ACME_WORKSPACE, ADMIN);
  const backs = [await authorize(links[0]), await authorize(links[1])];
  await browse(backs[0]);
  await browse(backs[0]);
  await browse(links[0]);
  sim.failNext({ path: '/oauth/access_token', status: 401, errors: [{ code: 89, message: 'Invalid or expired token.' }] });
  await browse(backs[1]);
  sim.denyAuthorization();
  const denied = await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  await browse(denied);
  clock.now += CONNECT_LIFETIME_MS + 1;
  t.is((await browse(expiring)).status, 410);

  const account = await store.accounts.get(ACME_WORKSPACE, ACME.id_str);
  const secrets = [
    CONSUMER.secret,
    account!.tokens.access_token,
    account!.tokens.access_token_secret,
    ...twitter.issued.flatMap((r) => [r.oauth_token, r.oauth_token_secret]),
    ...[...backs, denied].map((back) => new URL(back).searchParams.get('oauth_verifier') ?? ''),
    ...[...links, expiring].map((link) => new URL(link).searchParams.get('link')!),
  ].filter(Boolean);
  t.is(secrets.length, 3 + 2 * 3 + 2 + 3);
  t.is(visits.length, 9);
  for (const visit of visits) {
    // A redirect carries the request token to Twitter's authorize page, and nothing else.
    if (visit.location) t.is(visit.location, `${sim.url}/oauth/authorize?oauth_token=${new URL(visit.location).searchParams.get('oauth_token')}`);
    const shown = JSON.stringify({ ...visit, location: null, headers: { ...visit.headers, location: null } });
    for (const secret of secrets) t.false(shown.includes(secret), shown);
  }
});
