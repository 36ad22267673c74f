import KeyvSqlite from '@keyv/sqlite';
import { App, LogLevel } from '@slack/bolt';
import test, { type ExecutionContext } from 'ava';
import fetch from 'node-fetch';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRoutes } from '../../app/http/connect-routes.js';
import { CONNECT_LIFETIME_MS, TwitterConnect, type TwitterConnectOptions } from '../../app/services/twitter-connect.js';
import type { Workspace } from '../../app/domain/workspace.js';
import type { AccountSummary } from '../../app/store/account-records.js';
import { openStore } from '../../app/store/store.js';
import { TwitterClient } from '../../app/twitter/client.js';
import type { RequestToken } from '../../app/twitter/wire.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { TwitterSimulator } from '../simulators/twitter.js';
import { Harness, OTHER_BUSINESS } from '../support/harness.js';
import { blockActionsBody } from '../support/slack-requests.js';
import { closedPort } from '../support/temporary.js';

/** Where the app says it lives; the test's browser resolves it to the app on loopback. */
const PUBLIC_URL = 'https://feedback.example';
const CALLBACK_URL = `${PUBLIC_URL}/twitter/callback`;
const CONSUMER = { key: 'connect-consumer-key', secret: 'connect-consumer-secret-do-not-show' };
const ACME = { id_str: '1212121212121', screen_name: 'AcmeSupport', name: 'Acme Support' };
/** A business whose name is markup. */
const SHOP = { id_str: '5656565656565', screen_name: 'Shop_1', name: '<b>Shop</b> & "Co"' };
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
  /** Each Set-Cookie header apart. */
  setCookie: string[];
  text: string;
  /** What a reader sees: one line per heading or paragraph. */
  words: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' };

function words(html: string): string {
  return html
    .replace(/<style>.*?<\/style>/g, '')
    .replace(/<\/(title|h1|p|button)>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ENTITIES[name]);
}

/** The confirming form of a page: where it posts, and what. */
function formOf(visit: Visit): { action: string; csrf: string } | undefined {
  const match = /<form method="post" action="([^"]*)"><input type="hidden" name="csrf" value="([^"]*)">/.exec(visit.text);
  return match ? { action: match[1], csrf: match[2] } : undefined;
}

type Connected = [Workspace, AccountSummary, string];

/**
 * A browser: follows no redirect by itself, keeps the app's cookies and sends them back
 * to the app alone, as a browser does for a site.
 */
interface Browser {
  browse(url: string): Promise<Visit>;
  post(url: string, form: Record<string, string>): Promise<Visit>;
  /** Posts the confirming form of `page`. */
  confirm(page: Visit): Promise<Visit>;
  /** The app's way from the link to Twitter and back: resolves with the callback address. */
  authorize(link: string): Promise<string>;
  readonly cookies: Map<string, string>;
}

/** A new browser, on the app at `appUrl` standing in for PUBLIC_URL; it adds every answer of the app to `visits`. */
function browserFor(t: ExecutionContext, appUrl: string, visits: Visit[]): Browser {
  const cookies = new Map<string, string>();
  const request = async (url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Visit> => {
    const ours = url.startsWith(`${PUBLIC_URL}/`);
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(ours ? appUrl + url.slice(PUBLIC_URL.length) : url, {
      redirect: 'manual',
      method: init.method ?? 'GET',
      ...(init.body && { body: init.body }),
      headers: ours && cookie ? { cookie } : {},
    });
    const text = await response.text();
    const visit: Visit = {
      status: response.status,
      location: response.headers.get('location'),
      headers: Object.fromEntries(response.headers),
      setCookie: response.headers.raw()['set-cookie'] ?? [],
      text,
      words: words(text),
    };
    if (ours) {
      visits.push(visit);
      t.like(visit.headers, { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, url);
      for (const set of visit.setCookie) {
        const [pair, ...attributes] = set.split(';').map((part) => part.trim());
        const [name, value] = pair.split('=');
        if (attributes.includes('Max-Age=0')) cookies.delete(name);
        else cookies.set(name, value);
      }
    }
    return visit;
  };
  const browser: Browser = {
    cookies,
    browse: (url) => request(url),
    post: (url, form) => request(url, { method: 'POST', body: new URLSearchParams(form) }),
    async confirm(page) {
      const form = formOf(page);
      if (!form) throw new Error(`the page has no form: ${page.words}`);
      return browser.post(form.action, { csrf: form.csrf });
    },
    async authorize(link) {
      const started = await browser.browse(link);
      t.is(started.status, 302, started.text);
      const back = await browser.browse(started.location ?? '');
      t.is(back.status, 302, back.text);
      return back.location ?? '';
    },
  };
  return browser;
}

async function setup(t: ExecutionContext, options: Partial<TwitterConnectOptions> = {}) {
  const sim = await TwitterSimulator.start({ consumers: { [CONSUMER.key]: CONSUMER.secret }, tokens: {}, users: [ACME, SHOP] });
  const dir = mkdtempSync(join(tmpdir(), 'feedback-connect-'));
  const storeUrl = `sqlite://${join(dir, 'store.sqlite')}`;
  const keys = { current: randomBytes(32) };
  const store = await openStore({ storeUrl, encryptionKey: keys.current });
  const twitter = new RecordingClient({ apiUrl: sim.url, consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret });
  const clock = { now: Date.now() };
  const connected: Connected[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const connect = new TwitterConnect({
    store,
    keys,
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
    rmSync(dir, { recursive: true, force: true });
  });

  const visits: Visit[] = [];
  const newBrowser = () => browserFor(t, appUrl, visits);
  const admin = newBrowser();
  /** The admin's whole way, in one browser: resolves with the page after confirming. */
  const connectAll = async (link: string): Promise<Visit> => {
    const page = await admin.browse(await admin.authorize(link));
    t.is(page.status, 200, page.words);
    return admin.confirm(page);
  };
  /** The rows of the store's records' table, as someone reading the database sees them. */
  const rows = async (): Promise<Array<{ key: string; value: string }>> => {
    const raw = new KeyvSqlite(storeUrl);
    try {
      return await raw.query('SELECT key, value FROM keyv');
    } finally {
      await raw.disconnect();
    }
  };
  const exchanges = () => sim.requests.filter((r) => r.path === '/oauth/access_token').length;
  return {
    sim,
    store,
    twitter,
    connect,
    clock,
    connected,
    warnings,
    errors,
    visits,
    exchanges,
    rows,
    admin,
    newBrowser,
    connectAll,
    browse: admin.browse,
    authorize: admin.authorize,
  };
}

test('an admin connects the business account from a link, confirming it for that workspace only', async (t) => {
  const { sim, store, twitter, connect, connected, admin } = await setup(t);
  const link = await connect.createLink(ACME_WORKSPACE, ADMIN, 'Acme Corp');
  t.regex(link, /^https:\/\/feedback\.example\/twitter\/connect\?link=[A-Za-z0-9_-]{43}$/);

  const started = await admin.browse(link);
  t.is(started.status, 302);
  const [issued] = twitter.issued;
  t.is(started.location, `${sim.url}/oauth/authorize?oauth_token=${issued.oauth_token}`);
  t.like(sim.requests[0], { method: 'POST', path: '/oauth/request_token', verified: true });
  t.is(sim.requests[0].oauth.oauth_callback, CALLBACK_URL);
  t.is(started.setCookie.length, 1);
  t.regex(
    started.setCookie[0],
    /^twitter_connect=[A-Za-z0-9_-]{43}; Path=\/twitter; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/,
  );

  const back = new URL((await admin.browse(started.location!)).location ?? '');
  t.is(`${back.origin}${back.pathname}`, CALLBACK_URL);
  const asked = await admin.browse(back.href);
  t.is(asked.status, 200);
  t.is(asked.headers['content-type'], 'text/html; charset=utf-8');
  t.is(
    asked.words,
    'Confirm the connection\nConfirm the connection\nTwitter account: @AcmeSupport (Acme Support)\n' +
      'Slack workspace: Acme Corp (T0ACME0001)\n' +
      'Once connected, the people allowed to send feedback requests in this workspace send them as this account. ' +
      'Nothing is connected until you click the button: if this is not the account or the workspace you meant, close this tab.\n' +
      'Connect @AcmeSupport\n',
  );
  t.is(formOf(asked)?.action, `${PUBLIC_URL}/twitter/confirm`);
  t.like(sim.requests.at(-2), { path: '/oauth/access_token', verified: true });
  t.is(sim.requests.at(-2)!.oauth.oauth_verifier, back.searchParams.get('oauth_verifier')!);
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), [], 'nothing is stored before the confirmation');
  t.deepEqual(connected, []);

  const done = await admin.confirm(asked);
  t.is(done.status, 200);
  t.is(
    done.words,
    'Twitter account connected\nTwitter account connected\nConnected @AcmeSupport to the Slack workspace Acme Corp (T0ACME0001).\n' +
      'You can close this tab and return to Slack.\n',
  );
  t.deepEqual(done.setCookie, ['twitter_connect=; Path=/twitter; Max-Age=0; HttpOnly; Secure; SameSite=Lax']);
  t.is(admin.cookies.size, 0);

  const [summary] = await store.accounts.list(ACME_WORKSPACE);
  t.like(summary, {
    user_id: ACME.id_str,
    screen_name: ACME.screen_name,
    name: ACME.name,
    added_by: ADMIN,
    needs_reconnect: false,
  });
  t.deepEqual(await store.accounts.list(OTHER_WORKSPACE), []);
  t.is(await store.accounts.get(OTHER_WORKSPACE, ACME.id_str), undefined);
  const account = await store.accounts.get(ACME_WORKSPACE, ACME.id_str);
  const me = await twitter.verifyCredentials(account!.tokens);
  t.deepEqual(me.ok && me.data, ACME);
  t.deepEqual(connected, [[ACME_WORKSPACE, summary, ADMIN]]);
  t.false('tokens' in connected[0][1]);
});

test('a return to another browser than the one that opened the link stores nothing, and the right one still can', async (t) => {
  const { store, connect, connected, admin, newBrowser, exchanges } = await setup(t);
  const back = await admin.authorize(await connect.createLink(ACME_WORKSPACE, ADMIN, 'Acme Corp'));

  // The continuation handed to someone else: a browser with no cookie, and one with a connection of its own.
  const stranger = newBrowser();
  const other = newBrowser();
  await other.authorize(await connect.createLink(OTHER_WORKSPACE, 'U0OTHER001', 'Other Corp'));
  t.is(other.cookies.size, 1);
  for (const browser of [stranger, other]) {
    const page = await browser.browse(back);
    t.is(page.status, 403);
    t.true(page.words.startsWith('Finish in the browser that started\n'), page.words);
    t.true(page.words.includes('Nothing was connected.'));
    t.is(formOf(page), undefined);
    t.deepEqual(page.setCookie, []);
    // Nor does the form of another page post on its behalf.
    const posted = await browser.post(`${PUBLIC_URL}/twitter/confirm`, { csrf: 'x'.repeat(43) });
    t.true([403, 404].includes(posted.status), posted.words);
  }
  t.is(exchanges(), 0);
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), []);
  t.deepEqual(await store.accounts.list(OTHER_WORKSPACE), []);

  const asked = await admin.browse(back);
  t.is(asked.status, 200);
  t.true(asked.words.includes('Twitter account: @AcmeSupport (Acme Support)\nSlack workspace: Acme Corp (T0ACME0001)\n'));
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), []);
  // The page's form from another browser, whose cookie is none or another: nothing to confirm there.
  const form = formOf(asked)!;
  for (const browser of [stranger, other]) t.is((await browser.post(form.action, { csrf: form.csrf })).status, 404);
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), []);

  const cookie = admin.cookies.get('twitter_connect')!;
  const done = await admin.confirm(asked);
  t.is(done.status, 200);
  t.is((await store.accounts.list(ACME_WORKSPACE)).length, 1);

  // A replayed POST, from the browser whose cookie is cleared or with the cookie it had, changes nothing more.
  const replayed = newBrowser();
  replayed.cookies.set('twitter_connect', cookie);
  for (const browser of [admin, replayed]) {
    const page = await browser.confirm(asked);
    t.is(page.status, 404);
    t.true(page.words.startsWith('Nothing to confirm\n'), page.words);
  }
  t.is((await admin.browse(back)).status, 404, 'nor does the return, visited again');
  t.is(exchanges(), 1);
  t.is(connected.length, 1);
  t.is((await store.accounts.list(ACME_WORKSPACE)).length, 1);
  t.deepEqual(await store.accounts.list(OTHER_WORKSPACE), []);
});

test('only the form of the app’s page, with the cookie of its browser, confirms, and once', async (t) => {
  const { store, connect, connected, admin, newBrowser } = await setup(t);
  const back = await admin.authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  const cookie = admin.cookies.get('twitter_connect')!;
  const asked = await admin.browse(back);
  const form = formOf(asked)!;
  for (const csrf of [undefined, '', 'x'.repeat(form.csrf.length), form.csrf.slice(1), cookie]) {
    const page = await admin.post(form.action, csrf === undefined ? {} : { csrf });
    t.is(page.status, 403, String(csrf));
    t.true(page.words.startsWith('Not confirmed\n'), page.words);
  }
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), []);

  // The very request a page's form makes, replayed with the cookie copied: once only.
  const thief = newBrowser();
  thief.cookies.set('twitter_connect', cookie);
  const answers = await Promise.all([admin.confirm(asked), thief.post(form.action, { csrf: form.csrf })]);
  t.is(answers.filter((a) => a.status === 200).length, 1);
  t.is((await thief.post(form.action, { csrf: form.csrf })).status, 404);
  t.is(connected.length, 1);
  t.is((await store.accounts.list(ACME_WORKSPACE)).length, 1);
});

test('the request token secret is sealed at rest, and the sign-in is gone once used', async (t) => {
  const { twitter, connect, admin, rows } = await setup(t);
  const back = await admin.authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  const [issued] = twitter.issued;
  const pending = (await rows()).filter((row) => row.key.startsWith('twitter-connect:unbound:request:'));
  t.is(pending.length, 1);
  t.false(JSON.stringify(await rows()).includes(issued.oauth_token_secret));
  t.false(JSON.stringify(await rows()).includes(issued.oauth_token));

  const asked = await admin.browse(back);
  t.is(asked.status, 200);
  t.deepEqual(
    (await rows()).filter((row) => row.key.startsWith('twitter-connect:unbound:request:')),
    [],
  );
  await admin.confirm(asked);
  const left = await rows();
  t.deepEqual(
    left.filter((row) => /^twitter-connect:unbound:(request|confirm):/.test(row.key)),
    [],
  );
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
  const { store, connect, connected, admin, browse, authorize, exchanges } = await setup(t);
  const back = await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  const answers = await Promise.all([browse(back), browse(back)]);
  t.deepEqual(answers.map((a) => a.status).sort(), [200, 410]);
  t.true(answers.some((a) => a.words.includes('This sign-in was already finished')));
  const replay = await browse(back);
  t.is(replay.status, 404);
  t.true(replay.words.includes('it was already finished'));
  await admin.confirm(answers.find((a) => a.status === 200)!);
  t.is(exchanges(), 1);
  t.is(connected.length, 1);
  t.is((await store.accounts.list(ACME_WORKSPACE)).length, 1);
});

test('the sign-in on Twitter must come back within 10 minutes', async (t) => {
  const { store, connect, clock, admin, newBrowser, exchanges } = await setup(t);
  const other = newBrowser();
  const [first, second] = [
    await admin.authorize(await connect.createLink(ACME_WORKSPACE, ADMIN)),
    await other.authorize(await connect.createLink(ACME_WORKSPACE, ADMIN)),
  ];
  clock.now += CONNECT_LIFETIME_MS;
  const asked = await admin.browse(first);
  t.is(asked.status, 200);
  clock.now += 1;
  const late = await other.browse(second);
  t.is(late.status, 410);
  t.true(late.words.includes('This sign-in has expired'));
  t.true(late.words.includes(AGAIN));
  t.is(exchanges(), 1);
  // The confirmation has its own 10 minutes.
  clock.now += CONNECT_LIFETIME_MS - 1;
  t.is((await admin.confirm(asked)).status, 200);
  t.is((await store.accounts.list(ACME_WORKSPACE)).length, 1);
});

test('a confirmation must come within 10 minutes', async (t) => {
  const { store, connect, clock, admin, connected } = await setup(t);
  const asked = await admin.browse(await admin.authorize(await connect.createLink(ACME_WORKSPACE, ADMIN)));
  clock.now += CONNECT_LIFETIME_MS + 1;
  const late = await admin.confirm(asked);
  t.is(late.status, 410);
  t.true(late.words.startsWith('This confirmation has expired\n'), late.words);
  t.true(late.words.includes(AGAIN));
  t.deepEqual(connected, []);
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), []);
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
  const unreachable = new TwitterClient({
    apiUrl: `http://127.0.0.1:${await closedPort()}`,
    consumerKey: CONSUMER.key,
    consumerSecret: CONSUMER.secret,
  });
  const { connect, browse } = await setup(t, { twitter: unreachable });
  const page = await browse(await connect.createLink(ACME_WORKSPACE, ADMIN));
  t.is(page.status, 502);
  t.true(page.words.includes('Twitter could not be reached. Nothing was connected.'));
});

test('when Twitter does not confirm the authorization, nothing is connected', async (t) => {
  const { sim, store, connect, connected, browse, authorize } = await setup(t);
  const back = await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  sim.failNext({
    path: '/oauth/access_token',
    status: 401,
    rawBody: 'Error processing your OAuth request: Invalid oauth_verifier parameter',
  });
  const page = await browse(back);
  t.is(page.status, 502);
  t.true(page.words.includes(`Twitter did not confirm the authorization. Nothing was connected.\n${AGAIN}\n`), page.words);
  t.deepEqual(connected, []);
  t.deepEqual(await store.accounts.list(ACME_WORKSPACE), []);
});

test('without an answer from verify_credentials the screen name stands in for the name', async (t) => {
  const { sim, store, connect, admin, browse, authorize } = await setup(t);
  const back = await authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  sim.failNext({ path: '/1.1/account/verify_credentials.json', status: 503, errors: [{ code: 130, message: 'Over capacity' }] });
  const asked = await browse(back);
  t.is(asked.status, 200);
  t.true(asked.words.includes(`Twitter account: @AcmeSupport\nSlack workspace: ${ACME_WORKSPACE.teamId}\n`), asked.words);
  const page = await admin.confirm(asked);
  t.is(page.status, 200);
  t.true(page.words.includes(`Connected @AcmeSupport to the Slack workspace ${ACME_WORKSPACE.teamId}.`));
  t.like((await store.accounts.list(ACME_WORKSPACE))[0], { user_id: ACME.id_str, name: ACME.screen_name });
});

test('an account stays connected when what follows the connection fails', async (t) => {
  const onConnected = () => Promise.reject(new Error('views.publish answered not_authed'));
  const { store, connect, warnings, connectAll } = await setup(t, { onConnected });
  const page = await connectAll(await connect.createLink(ACME_WORKSPACE, ADMIN));
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
  const { sim, connect, admin } = await setup(t);
  sim.authorizeAs(SHOP.id_str);
  const asked = await admin.browse(await admin.authorize(await connect.createLink(ACME_WORKSPACE, ADMIN, '<img src=x> & "Co"')));
  t.true(asked.text.includes('<p>Twitter account: @Shop_1 (&lt;b&gt;Shop&lt;/b&gt; &amp; &quot;Co&quot;)</p>'), asked.text);
  t.true(asked.text.includes('<p>Slack workspace: &lt;img src=x&gt; &amp; &quot;Co&quot; (T0ACME0001)</p>'));
  const page = await admin.confirm(asked);
  t.true(page.text.includes('Connected @Shop_1 to the Slack workspace &lt;img src=x&gt; &amp; &quot;Co&quot; (T0ACME0001).'));
  t.true(page.words.includes('Connected @Shop_1 to the Slack workspace <img src=x> & "Co" (T0ACME0001).'));
  for (const shown of [asked, page]) {
    t.false(shown.text.includes('<img'));
    t.false(shown.text.includes('<b>'));
    t.regex(shown.headers['content-security-policy'], /default-src 'none'/);
    t.regex(shown.headers['content-security-policy'], /form-action 'self'/);
    t.regex(shown.headers['content-security-policy'], /frame-ancestors 'none'/);
  }
});

test('no answer of the app shows a secret, a verifier, a token, a link or a cookie', async (t) => {
  const { sim, store, twitter, connect, clock, visits, admin, newBrowser } = await setup(t);
  const [other, stranger] = [newBrowser(), newBrowser()];
  const links = [await connect.createLink(ACME_WORKSPACE, ADMIN), await connect.createLink(ACME_WORKSPACE, ADMIN)];
  const expiring = await connect.createLink(ACME_WORKSPACE, ADMIN);
  const backs = [await admin.authorize(links[0]), await other.authorize(links[1])];
  const asked = await admin.browse(backs[0]);
  await admin.browse(backs[0]);
  await admin.confirm(asked);
  await admin.confirm(asked);
  await admin.browse(links[0]);
  await stranger.browse(backs[1]);
  sim.failNext({ path: '/oauth/access_token', status: 401, errors: [{ code: 89, message: 'Invalid or expired token.' }] });
  await other.browse(backs[1]);
  sim.denyAuthorization();
  const denied = await admin.authorize(await connect.createLink(ACME_WORKSPACE, ADMIN));
  await admin.browse(denied);
  clock.now += CONNECT_LIFETIME_MS + 1;
  t.is((await admin.browse(expiring)).status, 410);

  const account = await store.accounts.get(ACME_WORKSPACE, ACME.id_str);
  const nonces = new Set(visits.flatMap((v) => v.setCookie.map((c) => /^twitter_connect=([^;]*)/.exec(c)?.[1] ?? '')));
  const secrets = [
    CONSUMER.secret,
    account!.tokens.access_token,
    account!.tokens.access_token_secret,
    ...twitter.issued.flatMap((r) => [r.oauth_token, r.oauth_token_secret]),
    ...[...backs, denied].map((back) => new URL(back).searchParams.get('oauth_verifier') ?? ''),
    ...[...links, expiring].map((link) => new URL(link).searchParams.get('link')!),
    ...nonces,
  ].filter(Boolean);
  t.is(secrets.length, 3 + 3 * 2 + 2 + 3 + 3);
  t.is(visits.length, 12);
  for (const visit of visits) {
    // A redirect carries the request token to Twitter's authorize page, and nothing else.
    if (visit.location)
      t.is(visit.location, `${sim.url}/oauth/authorize?oauth_token=${new URL(visit.location).searchParams.get('oauth_token')}`);
    // The cookie carries its nonce, and nothing else.
    const shown = JSON.stringify({
      ...visit,
      location: null,
      setCookie: null,
      headers: { ...visit.headers, location: null, 'set-cookie': null },
    });
    for (const secret of secrets) t.false(shown.includes(secret), shown);
  }
});

test('through the running app: Connect in App Home, Twitter, then the confirmation in the same browser', async (t) => {
  const harness = await Harness.start({ env: { PUBLIC_URL }, tokens: 'none' });
  t.teardown(() => harness.close());
  harness.slack.addUser({ id: ADMIN, teamId: DEFAULTS.teamId, isAdmin: true, realName: 'Ada Admin' });
  harness.twitter.authorizeAs(OTHER_BUSINESS.id_str);
  const home = await harness.home(ADMIN);
  const since = harness.slack.calls.length;
  await harness.post(
    blockActionsBody(home, {
      blockId: 'connect',
      actionId: 'home_connect',
      userId: ADMIN,
      triggerId: harness.slack.issueTriggerId(),
    }),
  );
  const modal = (await harness.slack.waitForCall('views.open', (c) => c.seq >= since)).response.view as SimulatedView;
  const link = (modal.blocks.find((b) => b.block_id === 'connect_link') as { elements: Array<{ url: string }> }).elements[0].url;

  const appUrl = harness.url.replace(/\/slack\/events$/, '');
  const visits: Visit[] = [];
  const [admin, stranger] = [browserFor(t, appUrl, visits), browserFor(t, appUrl, visits)];
  const back = await admin.authorize(link);
  t.is((await stranger.browse(back)).status, 403);
  const asked = await admin.browse(back);
  t.is(asked.status, 200);
  // The workspace's name as auth.test gives it, and its team id.
  t.true(
    asked.words.includes(
      `Twitter account: @${OTHER_BUSINESS.screen_name} (${OTHER_BUSINESS.name})\nSlack workspace: ${DEFAULTS.teamDomain} (${DEFAULTS.teamId})\n`,
    ),
    asked.words,
  );
  t.is(harness.slack.callsTo('views.publish').length, 1, 'nothing connected yet');

  const published = harness.slack.calls.length;
  const done = await admin.confirm(asked);
  t.is(done.status, 200, done.words);
  t.true(done.setCookie.every((c) => /HttpOnly; Secure; SameSite=Lax$/.test(c)));
  const republished = await harness.slack.waitForCall('views.publish', (c) => c.seq >= published && c.args.user_id === ADMIN);
  t.true(JSON.stringify((republished.args.view as SimulatedView).blocks).includes(`@${OTHER_BUSINESS.screen_name}`));
  t.is((await admin.confirm(asked)).status, 404);
  t.is(harness.slack.callsTo('views.publish').length, 2);
});
