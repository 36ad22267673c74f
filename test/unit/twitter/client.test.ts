import test, { type ExecutionContext } from 'ava';
import fetch from 'node-fetch';
import { TwitterClient } from '../../../app/twitter/client.js';
import type { TwitterResult } from '../../../app/twitter/wire.js';
import { authorizationHeader } from '../../../app/twitter/oauth.js';
import { closedPort } from '../../support/temporary.js';
import { BUSINESS, clientAndSimulator, CONSUMER, refusal, TOKENS, type ClientOptions } from '../../support/twitter-client.js';

const CUSTOMER = { id_str: '1234567890123456789', screen_name: 'Customer_19', name: 'A Customer' };
const CLOSED = { id_str: '9007199254740993', screen_name: 'NoDMs', name: 'Closed DMs', can_dm: false };
const SECRETS = [CONSUMER.secret, TOKENS.access_token, TOKENS.access_token_secret];

const PARAMS = {
  type: 'nps',
  to_user_id: CUSTOMER.id_str,
  message: "Thanks for talking to us! How did we do? 100% honest, please: *'()~ ünï 😀",
  privacy_url: 'https://mybusiness.example/privacy?lang=en&v=2',
  external_id: 'ticket_5555',
  question_variant_id: '3',
  display_name: 'MyBusinessName',
  test: 'true',
};

function setup(t: ExecutionContext, options: Omit<ClientOptions, 'users'> = {}) {
  return clientAndSimulator(t, { ...options, users: [CUSTOMER, CLOSED] });
}

function failureKind<T>(result: TwitterResult<T>): string {
  return result.ok ? 'ok' : result.failure.kind;
}

test('feedback is created, with every id kept exact', async (t) => {
  const { sim, client } = await setup(t);
  const result = await client.createFeedback(TOKENS, PARAMS);
  if (!result.ok) return t.fail(JSON.stringify(result.failure));
  t.is(sim.feedback.length, 1);
  const [created] = sim.feedback;
  t.regex(created.id, /^[0-9]{19}$/);
  t.deepEqual(result.data, created);
  t.is(result.data.to_user_id, '1234567890123456789');
  t.is(result.data.from_user_id, BUSINESS.id_str);
  t.is(result.data.test, true);
  t.regex(result.data.created_at!, /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}$/);
  t.like(result.rateLimit, { limit: 1000, remaining: 999 });
  t.true(result.serverDate instanceof Date);

  const [request] = sim.requests;
  t.true(request.verified);
  t.deepEqual(request.form, PARAMS);
  t.deepEqual(request.query, {});
});

test('showUser finds a handle whatever its case, and keeps the id exact', async (t) => {
  const { sim, client } = await setup(t);
  const found = await client.showUser(TOKENS, 'customer_19');
  t.deepEqual(found.ok && found.data, CUSTOMER);
  t.deepEqual(sim.requests[0].query, { screen_name: 'customer_19' });
  t.true(sim.requests[0].verified);
  t.deepEqual(refusal(t, await client.showUser(TOKENS, 'nobody')), { status: 404, codes: [50], resetAt: undefined });
});

test("verifyCredentials answers with the token's own user", async (t) => {
  const { client } = await setup(t);
  const me = await client.verifyCredentials(TOKENS);
  t.deepEqual(me.ok && me.data, BUSINESS);
});

test('a customer who does not accept DMs is a refusal with code 349', async (t) => {
  const { sim, client } = await setup(t);
  const result = await client.createFeedback(TOKENS, { ...PARAMS, to_user_id: CLOSED.id_str });
  t.like(refusal(t, result), { status: 403, codes: [349] });
  t.is(sim.feedback.length, 0);
});

test('canDm reads friendships/show, signed, with 64-bit ids kept exact', async (t) => {
  const { sim, client } = await setup(t);
  const open = await client.canDm(TOKENS, BUSINESS.id_str, CUSTOMER.id_str);
  t.is(open.ok && open.data, true);
  t.like(open.rateLimit, { limit: 180, remaining: 179 });
  const closed = await client.canDm(TOKENS, BUSINESS.id_str, CLOSED.id_str);
  t.is(closed.ok && closed.data, false);
  t.deepEqual(sim.requests[1].query, { source_id: BUSINESS.id_str, target_id: '9007199254740993' });
  t.true(sim.requests.every((r) => r.verified && r.path === '/1.1/friendships/show.json'));

  sim.acceptDms(CLOSED.id_str, true);
  const opened = await client.canDm(TOKENS, BUSINESS.id_str, CLOSED.id_str);
  t.is(opened.ok && opened.data, true);
  t.like(refusal(t, await client.canDm(TOKENS, BUSINESS.id_str, '42')), { status: 404, codes: [50] });
});

// Alone: 181 calls back to back would hold up the tests that time out after 200 ms.
test.serial('friendships/show allows 180 calls in 15 minutes, then answers 429 with its reset', async (t) => {
  const { client } = await setup(t);
  let last: TwitterResult<boolean> | undefined;
  for (let i = 0; i < 180; i++) last = await client.canDm(TOKENS, BUSINESS.id_str, CUSTOMER.id_str);
  t.like(last?.rateLimit, { limit: 180, remaining: 0 });
  const over = refusal(t, await client.canDm(TOKENS, BUSINESS.id_str, CUSTOMER.id_str));
  t.like(over, { status: 429, codes: [88] });
  t.deepEqual(over.resetAt, last?.rateLimit?.resetAt);
});

test('canDm badly signed is code 32', async (t) => {
  const { sim, client } = await setup(t, { consumerSecret: 'not-the-secret' });
  t.like(refusal(t, await client.canDm(TOKENS, BUSINESS.id_str, CUSTOMER.id_str)), { status: 401, codes: [32] });
  t.false(sim.requests[0].verified);
});

test("feedback/create holds every parameter to Twitter's rules", async (t) => {
  const { sim, client } = await setup(t);
  const { test: _test, ...rest } = PARAMS;
  const cases: Array<[Record<string, string>, number, number]> = [
    [{ ...PARAMS, type: '' }, 400, 38],
    [{ ...PARAMS, message: '' }, 400, 38],
    [Object.fromEntries(Object.entries(PARAMS).filter(([name]) => name !== 'privacy_url')), 400, 38],
    [{ ...PARAMS, type: 'CSAT' }, 400, 44],
    [{ ...PARAMS, to_user_id: '@customer' }, 400, 44],
    [{ ...PARAMS, privacy_url: 'mybusiness.example/privacy' }, 400, 44],
    [{ ...PARAMS, privacy_url: 'ftp://mybusiness.example/privacy' }, 400, 44],
    [{ ...PARAMS, external_id: 'x'.repeat(257) }, 400, 44],
    [{ ...PARAMS, question_variant_id: '10' }, 400, 44],
    [{ ...PARAMS, type: 'csat', question_variant_id: '38' }, 400, 44],
    [{ ...PARAMS, question_variant_id: '1.5' }, 400, 44],
    [{ ...PARAMS, display_name: 'x'.repeat(21) }, 400, 44],
    [{ ...PARAMS, test: 'yes' }, 400, 44],
    [{ ...PARAMS, message: 'x'.repeat(10_001) }, 403, 354],
    [{ ...PARAMS, to_user_id: '42' }, 404, 50],
  ];
  for (const [params, status, code] of cases) {
    t.deepEqual(refusal(t, await client.createFeedback(TOKENS, params)), { status, codes: [code], resetAt: undefined });
  }
  const fits = await client.createFeedback(TOKENS, {
    ...rest,
    type: 'csat',
    question_variant_id: '37',
    message: '😀'.repeat(10_000),
    external_id: 'x'.repeat(256),
    display_name: 'x'.repeat(20),
  });
  t.true(fits.ok);
  t.deepEqual(
    sim.feedback.map((f) => f.test),
    [false],
  );
});

test('the 24-hour limit is a 429 with code 88 and the time it resets', async (t) => {
  const { client } = await setup(t, { feedbackLimit: 1 });
  t.true((await client.createFeedback(TOKENS, PARAMS)).ok);
  const limited = await client.createFeedback(TOKENS, PARAMS);
  const { status, codes, resetAt } = refusal(t, limited);
  t.deepEqual([status, codes], [429, [88]]);
  const inADay = Date.now() + 24 * 60 * 60 * 1000;
  t.true(resetAt instanceof Date && Math.abs(resetAt.getTime() - inADay) < 5000);
  t.is(limited.rateLimit?.remaining, 0);
});

test('a closed port is unreachable', async (t) => {
  const client = new TwitterClient({
    apiUrl: `http://127.0.0.1:${await closedPort()}`,
    consumerKey: CONSUMER.key,
    consumerSecret: CONSUMER.secret,
  });
  const result = await client.createFeedback(TOKENS, PARAMS);
  t.is(failureKind(result), 'unreachable');
});

test('no answer within the timeout is uncertain, and Twitter may have acted', async (t) => {
  // Long enough for Twitter to read the request on a busy machine before the client gives up.
  const { sim, client } = await setup(t, { timeoutMs: 2000 });
  sim.setFault('hang-after-read');
  const result = await client.createFeedback(TOKENS, PARAMS);
  t.is(failureKind(result), 'uncertain');
  t.is(sim.feedback.length, 1);
});

test('a request never read is uncertain too', async (t) => {
  const { sim, client } = await setup(t, { timeoutMs: 200 });
  sim.setFault('hang-before-read');
  t.is(failureKind(await client.createFeedback(TOKENS, PARAMS)), 'uncertain');
  t.deepEqual(sim.feedback, []);
});

test('a reset connection after the request is uncertain', async (t) => {
  const { sim, client } = await setup(t);
  sim.setFault('reset-after-read');
  t.is(failureKind(await client.createFeedback(TOKENS, PARAMS)), 'uncertain');
});

test('a 2xx that is not the expected JSON is uncertain', async (t) => {
  const { sim, client } = await setup(t);
  sim.failNext({ status: 200, rawBody: '{"id": "1460000000000000000", "type":' });
  sim.failNext({ status: 200, rawBody: '{"id": 1460000000000000000, "type": "nps"}' });
  t.is(failureKind(await client.createFeedback(TOKENS, PARAMS)), 'uncertain');
  t.is(failureKind(await client.createFeedback(TOKENS, PARAMS)), 'uncertain');
  t.true((await client.createFeedback(TOKENS, PARAMS)).ok);
});

test('over capacity and scripted errors are refusals with their codes', async (t) => {
  const { sim, client } = await setup(t);
  sim.setFault('over-capacity');
  t.like(refusal(t, await client.verifyCredentials(TOKENS)), { status: 503, codes: [130] });
  sim.setFault(undefined);
  sim.failNext({ path: '/1.1/feedback/create.json', status: 500, rawBody: '<html>oops</html>' });
  t.true((await client.verifyCredentials(TOKENS)).ok);
  t.like(refusal(t, await client.createFeedback(TOKENS, PARAMS)), { status: 500, codes: [] });
});

test('every answer waits for the set delay', async (t) => {
  const { sim, client } = await setup(t);
  sim.delay(50);
  const started = performance.now();
  t.true((await client.verifyCredentials(TOKENS)).ok);
  t.true(performance.now() - started >= 45);
});

test('a wrong consumer secret is code 32', async (t) => {
  const { sim, client } = await setup(t, { consumerSecret: 'not-the-secret' });
  t.like(refusal(t, await client.createFeedback(TOKENS, PARAMS)), { status: 401, codes: [32] });
  t.false(sim.requests[0].verified);
  t.is(sim.feedback.length, 0);
});

test('a revoked token is code 89', async (t) => {
  const { sim, client } = await setup(t);
  t.true((await client.verifyCredentials(TOKENS)).ok);
  sim.revokeToken(TOKENS.access_token);
  t.like(refusal(t, await client.verifyCredentials(TOKENS)), { status: 401, codes: [89] });
});

test('a skewed clock (code 135) is corrected from the Date header and signed again, for every signed call', async (t) => {
  for (const call of [
    (client: TwitterClient) => client.createFeedback(TOKENS, PARAMS),
    (client: TwitterClient) => client.showUser(TOKENS, CUSTOMER.screen_name),
    (client: TwitterClient) => client.canDm(TOKENS, BUSINESS.id_str, CUSTOMER.id_str),
    (client: TwitterClient) => client.verifyCredentials(TOKENS),
  ]) {
    const { sim, client } = await setup(t);
    sim.setClockSkew(3600);
    const answer = await call(client);
    t.true(answer.ok, JSON.stringify(answer));
    t.is(sim.requests.length, 2, 'refused once, then accepted');
    t.true(Math.abs(client.clockOffsetSeconds - 3600) <= 5);
    t.not(sim.requests[0].oauth.oauth_nonce, sim.requests[1].oauth.oauth_nonce);
  }
});

test('the clock is corrected once per call: a second code 135 stands', async (t) => {
  const { sim, client } = await setup(t);
  const refusedTimestamp = { status: 401, errors: [{ code: 135, message: 'Timestamp out of bounds.' }] };
  sim.failNext({ ...refusedTimestamp, times: 2 });
  t.like(refusal(t, await client.createFeedback(TOKENS, PARAMS)), { status: 401, codes: [135] });
  t.is(sim.requests.length, 2);
  t.is(sim.feedback.length, 0);
});

test('a reused nonce is code 32, and an unknown route code 34', async (t) => {
  const { sim } = await setup(t);
  const url = `${sim.url}/1.1/account/verify_credentials.json`;
  const authorization = authorizationHeader({
    consumerKey: CONSUMER.key,
    consumerSecret: CONSUMER.secret,
    token: TOKENS.access_token,
    tokenSecret: TOKENS.access_token_secret,
    method: 'GET',
    url,
    nonce: 'same-nonce',
  });
  const first = await fetch(url, { headers: { authorization } });
  const again = await fetch(url, { headers: { authorization } });
  t.is(first.status, 200);
  t.deepEqual([again.status, await again.json()], [401, { errors: [{ code: 32, message: 'Could not authenticate you.' }] }]);
  const lost = await fetch(`${sim.url}/1.1/feedback/nothing.json`);
  t.deepEqual([lost.status, await lost.json()], [404, { errors: [{ code: 34, message: 'Sorry, that page does not exist.' }] }]);
  t.is((await sim.waitForRequests((r) => r.path.startsWith('/1.1/'), { count: 3 })).length, 3);
});

test('no failure reveals a secret or the Authorization header', async (t) => {
  // Long enough for the answers that do come on a busy machine: only the hang waits it out.
  const { sim, client } = await setup(t, { timeoutMs: 2000 });
  const closed = new TwitterClient({ apiUrl: 'http://127.0.0.1:1', consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret });
  const results: Array<TwitterResult<unknown>> = [await closed.createFeedback(TOKENS, PARAMS)];
  for (const fault of ['hang-after-read', 'reset-after-read', 'over-capacity'] as const) {
    sim.setFault(fault);
    results.push(await client.createFeedback(TOKENS, PARAMS));
  }
  sim.setFault(undefined);
  sim.failNext({ status: 200, rawBody: 'not json' });
  results.push(await client.createFeedback(TOKENS, PARAMS));
  sim.revokeToken(TOKENS.access_token);
  results.push(await client.createFeedback(TOKENS, PARAMS));

  t.deepEqual(results.map(failureKind), ['unreachable', 'uncertain', 'uncertain', 'refused', 'uncertain', 'refused']);
  for (const result of results) {
    const text = JSON.stringify(result);
    for (const secret of [...SECRETS, 'oauth_signature', 'OAuth ']) t.false(text.includes(secret), text);
  }
});
