import test, { type ExecutionContext } from 'ava';
import fetch from 'node-fetch';
import { TwitterClient } from '../../app/twitter/client.js';
import type { RequestToken, TwitterResult, TwitterTokens } from '../../app/twitter/wire.js';
import { authorizationHeader, percentEncode } from '../../app/twitter/oauth.js';
import { closedPort } from '../support/temporary.js';
import { BUSINESS, clientAndSimulator, CONSUMER, TOKENS, type ClientOptions } from '../support/twitter-client.js';

const OTHER_BUSINESS = { id_str: '3434343434343', screen_name: 'OtherShop', name: 'Other Shop' };
/** With a query of its own, which Twitter must keep when it adds its parameters. */
const CALLBACK = 'https://feedback.example/twitter/callback?state=s-1';

function setup(t: ExecutionContext, options: Omit<ClientOptions, 'users'> = {}) {
  return clientAndSimulator(t, { ...options, users: [OTHER_BUSINESS] });
}

function refusal<T>(t: ExecutionContext, result: TwitterResult<T>): { status: number; codes: number[] } {
  if (result.ok || result.failure.kind !== 'refused') {
    t.fail(`expected a refusal, got ${JSON.stringify(result)}`);
    return { status: 0, codes: [] };
  }
  return { status: result.failure.status, codes: result.failure.errors.map((e) => e.code) };
}

function data<T>(t: ExecutionContext, result: TwitterResult<T>): T {
  if (!result.ok) {
    t.fail(JSON.stringify(result.failure));
    throw new Error('expected success');
  }
  return result.data;
}

/** Where the authorize page sends the user's browser, as the browser would read it. */
async function authorizeRedirect(t: ExecutionContext, client: TwitterClient, oauthToken: string): Promise<URL> {
  const response = await fetch(client.authorizeUrl(oauthToken), { redirect: 'manual' });
  t.is(response.status, 302);
  return new URL(response.headers.get('location') ?? 'about:blank');
}

/** A request token, authorized, with the verifier the callback carries. */
interface Authorized {
  request: RequestToken;
  verifier: string;
}

async function authorized(t: ExecutionContext, client: TwitterClient): Promise<Authorized> {
  const request = data(t, await client.requestToken(CALLBACK));
  const verifier = (await authorizeRedirect(t, client, request.oauth_token)).searchParams.get('oauth_verifier');
  if (!verifier) throw new Error('the callback carries no oauth_verifier');
  return { request, verifier };
}

function tokensOf(access: { oauth_token: string; oauth_token_secret: string }): TwitterTokens {
  return { access_token: access.oauth_token, access_token_secret: access.oauth_token_secret };
}

test('a business account connects, and its new tokens work on the API', async (t) => {
  const { sim, client } = await setup(t);
  const request = data(t, await client.requestToken(CALLBACK));
  t.true(request.oauth_callback_confirmed);
  const [tokenRequest] = sim.requests;
  t.like(tokenRequest, { method: 'POST', path: '/oauth/request_token', verified: true });
  t.is(tokenRequest.oauth.oauth_callback, CALLBACK);
  t.false('oauth_token' in tokenRequest.oauth);

  t.is(client.authorizeUrl(request.oauth_token), `${sim.url}/oauth/authorize?oauth_token=${request.oauth_token}`);
  const back = await authorizeRedirect(t, client, request.oauth_token);
  t.is(`${back.origin}${back.pathname}`, 'https://feedback.example/twitter/callback');
  t.is(back.searchParams.get('state'), 's-1');
  t.is(back.searchParams.get('oauth_token'), request.oauth_token);
  const verifier = back.searchParams.get('oauth_verifier') ?? '';
  t.not(verifier, '');

  const access = data(t, await client.accessToken(request, verifier));
  t.like(access, { user_id: BUSINESS.id_str, screen_name: BUSINESS.screen_name });
  t.not(access.oauth_token, request.oauth_token);
  const exchange = sim.requests.at(-1)!;
  t.like(exchange, { method: 'POST', path: '/oauth/access_token', verified: true });
  t.like(exchange.oauth, { oauth_token: request.oauth_token, oauth_verifier: verifier });

  const me = await client.verifyCredentials(tokensOf(access));
  t.deepEqual(me.ok && me.data, BUSINESS);
  t.true(sim.requests.at(-1)!.verified);
});

test('the account connected is the one whose user authorizes', async (t) => {
  const { sim, client } = await setup(t);
  t.throws(() => sim.authorizeAs('999'), { message: /999/ });
  sim.authorizeAs(OTHER_BUSINESS.id_str);
  const { request, verifier } = await authorized(t, client);
  const access = data(t, await client.accessToken(request, verifier));
  t.like(access, { user_id: OTHER_BUSINESS.id_str, screen_name: OTHER_BUSINESS.screen_name });
  const me = await client.verifyCredentials(tokensOf(access));
  t.deepEqual(me.ok && me.data, OTHER_BUSINESS);
});

test('a denied authorization returns with denied and leaves nothing to exchange', async (t) => {
  const { sim, client } = await setup(t);
  sim.denyAuthorization();
  const request = data(t, await client.requestToken(CALLBACK));
  const back = await authorizeRedirect(t, client, request.oauth_token);
  t.deepEqual(Object.fromEntries(back.searchParams), { state: 's-1', denied: request.oauth_token });
  t.deepEqual(refusal(t, await client.accessToken(request, 'any-verifier')), { status: 401, codes: [89] });
  t.is((await fetch(client.authorizeUrl(request.oauth_token), { redirect: 'manual' })).status, 403);
});

test('a wrong verifier is refused, and the right one still works', async (t) => {
  const { client } = await setup(t);
  const unauthorized = data(t, await client.requestToken(CALLBACK));
  t.deepEqual(refusal(t, await client.accessToken(unauthorized, '')), { status: 401, codes: [] });

  const { request, verifier } = await authorized(t, client);
  t.deepEqual(refusal(t, await client.accessToken(request, `${verifier}x`)), { status: 401, codes: [] });
  t.true((await client.accessToken(request, verifier)).ok);
});

test('a request token is exchanged once only', async (t) => {
  const { client } = await setup(t);
  const { request, verifier } = await authorized(t, client);
  const access = data(t, await client.accessToken(request, verifier));
  t.deepEqual(refusal(t, await client.accessToken(request, verifier)), { status: 401, codes: [89] });
  t.true((await client.verifyCredentials(tokensOf(access))).ok);
});

test('a request token is no access token, nor an access token a request token', async (t) => {
  const { client } = await setup(t);
  const { request, verifier } = await authorized(t, client);
  const asAccess = { access_token: request.oauth_token, access_token_secret: request.oauth_token_secret };
  t.deepEqual(refusal(t, await client.verifyCredentials(asAccess)), { status: 401, codes: [89] });
  const asRequest = { oauth_token: TOKENS.access_token, oauth_token_secret: TOKENS.access_token_secret };
  t.deepEqual(refusal(t, await client.accessToken(asRequest, verifier)), { status: 401, codes: [89] });
});

test('a bad consumer or request token signature is code 32', async (t) => {
  const { sim, client } = await setup(t, { consumerSecret: 'not-the-secret' });
  t.deepEqual(refusal(t, await client.requestToken(CALLBACK)), { status: 401, codes: [32] });
  t.false(sim.requests[0].verified);

  const good = new TwitterClient({ apiUrl: sim.url, consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret });
  const { request, verifier } = await authorized(t, good);
  const wrongSecret = { ...request, oauth_token_secret: `${request.oauth_token_secret}x` };
  t.deepEqual(refusal(t, await good.accessToken(wrongSecret, verifier)), { status: 401, codes: [32] });
  t.deepEqual(refusal(t, await client.accessToken(request, verifier)), { status: 401, codes: [32] });
  t.true((await good.accessToken(request, verifier)).ok);
});

test('a request token needs a signed callback: an absolute URL, or oob for a PIN', async (t) => {
  const { sim, client } = await setup(t);
  const url = `${sim.url}/oauth/request_token`;
  const post = (oauthParams: Record<`oauth_${string}`, string>, edit = (header: string) => header) => {
    const { key: consumerKey, secret: consumerSecret } = CONSUMER;
    const header = authorizationHeader({ consumerKey, consumerSecret, method: 'POST', url, oauthParams });
    return fetch(url, { method: 'POST', headers: { authorization: edit(header) } });
  };
  const notAuthenticated = { errors: [{ code: 32, message: 'Could not authenticate you.' }] };
  for (const response of [
    await post({}),
    await post({ oauth_callback: '/twitter/callback' }),
    await post({ oauth_callback: CALLBACK }, (header) =>
      header.replace(percentEncode(CALLBACK), percentEncode('https://elsewhere.example/')),
    ),
  ]) {
    t.deepEqual([response.status, await response.json()], [401, notAuthenticated]);
  }

  const answer = await post({ oauth_callback: 'oob' });
  t.is(answer.status, 200);
  t.regex(answer.headers.get('content-type') ?? '', /^text\/html/);
  const issued = new URLSearchParams(await answer.text());
  t.deepEqual([...issued.keys()], ['oauth_token', 'oauth_token_secret', 'oauth_callback_confirmed']);
  const pinPage = await fetch(client.authorizeUrl(issued.get('oauth_token')!), { redirect: 'manual' });
  t.is(pinPage.status, 200);
  const pin = /<code>([0-9]{7})<\/code>/.exec(await pinPage.text())?.[1] ?? '';
  const request = { oauth_token: issued.get('oauth_token')!, oauth_token_secret: issued.get('oauth_token_secret')! };
  t.like(data(t, await client.accessToken(request, pin)), { user_id: BUSINESS.id_str });
});

test("an unknown request token gets the authorize page's error", async (t) => {
  const { client } = await setup(t);
  const response = await fetch(client.authorizeUrl('no-such-token'), { redirect: 'manual' });
  t.is(response.status, 403);
  t.is(response.headers.get('location'), null);
  t.regex(await response.text(), /no longer valid/);
});

test('an answer that is not the expected form, or an unconfirmed callback, is no token', async (t) => {
  const { sim, client } = await setup(t);
  sim.failNext({
    path: '/oauth/request_token',
    status: 200,
    rawBody: 'oauth_token=t-1&oauth_token_secret=s-1&oauth_callback_confirmed=false',
  });
  sim.failNext({ path: '/oauth/request_token', status: 200, rawBody: '{"oauth_token":"t-1","oauth_token_secret":"s-1"}' });
  for (let i = 0; i < 2; i++) {
    const result = await client.requestToken(CALLBACK);
    t.like(result, { ok: false, failure: { kind: 'uncertain' } });
    t.regex(JSON.stringify(result), /POST \/oauth\/request_token answered HTTP 200 .*form-encoded/);
  }
  const { request, verifier } = await authorized(t, client);
  sim.failNext({ path: '/oauth/access_token', status: 200, rawBody: 'oauth_token=t-2&oauth_token_secret=s-2&user_id=1' });
  t.like(await client.accessToken(request, verifier), { ok: false, failure: { kind: 'uncertain' } });
});

test('no failure of the flow reveals a secret, a token or the Authorization header', async (t) => {
  // Long enough for the answers that do come on a busy machine: only the hang waits it out.
  const { sim, client } = await setup(t, { timeoutMs: 2000 });
  const { request, verifier } = await authorized(t, client);
  const closed = new TwitterClient({
    apiUrl: `http://127.0.0.1:${await closedPort()}`,
    consumerKey: CONSUMER.key,
    consumerSecret: CONSUMER.secret,
  });
  const badConsumer = new TwitterClient({ apiUrl: sim.url, consumerKey: CONSUMER.key, consumerSecret: `${CONSUMER.secret}x` });
  const results: Array<TwitterResult<unknown>> = [
    await closed.requestToken(CALLBACK),
    await closed.accessToken(request, verifier),
    await badConsumer.requestToken(CALLBACK),
    await badConsumer.accessToken(request, verifier),
    await client.accessToken(request, `${verifier}x`),
  ];
  const unconfirmed = `oauth_token=${request.oauth_token}&oauth_token_secret=${request.oauth_token_secret}`;
  sim.failNext({ path: '/oauth/request_token', status: 200, rawBody: unconfirmed });
  results.push(await client.requestToken(CALLBACK));
  // An access token request that fails this way is exchanged all the same, so these ask for request tokens.
  for (const fault of ['hang-after-read', 'reset-after-read'] as const) {
    sim.setFault(fault);
    results.push(await client.requestToken(CALLBACK));
  }
  sim.setFault(undefined);
  const access = data(t, await client.accessToken(request, verifier));
  results.push(await client.accessToken(request, verifier));

  t.deepEqual(
    results.map((r) => (r.ok ? 'ok' : r.failure.kind)),
    ['unreachable', 'unreachable', 'refused', 'refused', 'refused', 'uncertain', 'uncertain', 'uncertain', 'refused'],
  );
  const secrets = [
    CONSUMER.secret,
    request.oauth_token,
    request.oauth_token_secret,
    verifier,
    access.oauth_token,
    access.oauth_token_secret,
    'oauth_signature',
    'OAuth ',
  ];
  for (const result of results) {
    const text = JSON.stringify(result);
    for (const secret of secrets) t.false(text.includes(secret), text);
  }
});
