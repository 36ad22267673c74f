import KeyvSqlite from '@keyv/sqlite';
import { Validator } from '@seriousme/openapi-schema-validator';
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDraft, type RawDraft } from '../../app/domain/feedback-request.js';
import { OPERATIONS } from '../../app/http/feedback-api.js';
import { ApiKeys } from '../../app/services/api-keys.js';
import { claimLock } from '../../app/store/lock.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS } from '../simulators/slack.js';
import { ApiClient, documentedAnswers } from '../support/api-client.js';
import { createApiKey } from '../support/api-keys.js';
import { Harness, type HarnessOptions } from '../support/harness.js';
import { repoRoot } from '../support/paths.js';
import { blockActionsBody, eventBody } from '../support/slack-requests.js';

const ADMIN = 'U0ADMIN001';
const ACME = { teamId: 'T0ACME0001', botUserId: 'U0ACMEBOT1' };
const GLOBEX = { teamId: 'T0GLOBEX01', botUserId: 'U0GLOBEXB1' };
const JSON_EVENT = { headers: { 'content-type': 'application/json' } };

/** Every answer of every test below, to check at the end that each documented one was met. */
const seen = new Set<string>();
const clients: ApiClient[] = [];

async function start(options: HarnessOptions = {}): Promise<{ h: Harness; api: ApiClient }> {
  const h = await Harness.start(options);
  h.slack.addUser({ id: ADMIN, teamId: DEFAULTS.teamId, isAdmin: true, realName: 'Ada Admin' });
  const api = new ApiClient(h.url.replace(/\/slack\/events$/, ''));
  clients.push(api);
  return { h, api };
}

/** A key made beside the app, in its store: for workspaces whose App Home the tests do not draw. */
async function keyFor(h: Harness, teamId: string, name = 'Helpdesk'): Promise<string> {
  const store = await openStore(h.config.store);
  try {
    const keys = new ApiKeys({ records: store.records('api-keys'), lock: claimLock(store), store, perMinute: 1 });
    const created = await keys.create(teamId, name, ADMIN);
    if (!created.ok) throw new Error(created.error);
    return created.key;
  } finally {
    await store.close();
  }
}

/** How many automatic requests the store holds: what the API asked for, however it answered. */
async function requestsKept(h: Harness): Promise<number> {
  const raw = new KeyvSqlite(h.config.store.storeUrl);
  try {
    const rows: unknown[] = await raw.query("SELECT key FROM keyv WHERE key LIKE 'automatic:%'");
    return rows.length;
  } finally {
    await raw.disconnect();
  }
}

/** Events are handled after Slack is answered: the status the API gives once the event took effect. */
async function statusOnceSettled(api: ApiClient, key: string, wanted: number): Promise<number> {
  let status = 0;
  for (let tries = 0; tries < 400 && status !== wanted; tries++) {
    status = (await api.post(key, { customer: '@jack' })).status;
    if (status !== wanted) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return status;
}

/** What the feedback form in Slack says of `value` in the field feeding `param`. */
function formSays(param: keyof RawDraft, value: string | undefined): string | undefined {
  const checked = checkDraft({ type: 'csat', [param]: value });
  return checked.ok ? undefined : checked.errors[param as keyof typeof checked.errors];
}

test.after('every status the document lists for each route was answered by some test (500 apart)', (t) => {
  for (const client of clients) for (const answer of client.seen) seen.add(answer);
  const missing = documentedAnswers().filter((answer) => !answer.endsWith(' 500') && !seen.has(answer));
  t.deepEqual(missing, []);
});

test.serial('the OpenAPI document is valid OpenAPI 3.1, lists exactly the routes served, and is served as kept', async (t) => {
  const kept = JSON.parse(readFileSync(join(repoRoot, 'app/http/openapi.json'), 'utf8'));
  const validator = new Validator();
  const result = await validator.validate(kept);
  t.true(result.valid, JSON.stringify(result.errors, null, 2));
  t.is(validator.version, '3.1');
  const documented = Object.entries(kept.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .filter((operation) => !operation.startsWith('PARAMETERS '))
    .sort();
  t.deepEqual(documented, OPERATIONS.map(({ method, path }) => `${method} ${path}`).sort());

  const { h, api } = await start();
  t.teardown(() => h.close());
  const served = await api.call('GET', '/api/v1/openapi.json');
  t.deepEqual(served.json, kept);
});

test.serial('a helpdesk asks for a request: 202 with its id, status and status URL, then reads it there', async (t) => {
  const { h, api } = await start({ env: { PUBLIC_URL: 'https://feedback.example' } });
  t.teardown(() => h.close());
  const key = await createApiKey(h, ADMIN);
  const asked = await api.post(key, { customer: '@jack', external_id: '5555', type: 'nps', question_variant_id: 3 });
  t.is(asked.status, 202);
  t.like(asked.json, { status: 'scheduled', source: 'api', customer: '@jack', external_id: '5555', test: false });
  const statusUrl = `https://feedback.example/api/v1/feedback-requests/${asked.json.id}`;
  t.is(asked.json.status_url, statusUrl);
  t.is(asked.headers.get('location'), statusUrl);
  t.is(Date.parse(asked.json.send_after) - Date.parse(asked.json.created_at), 60 * 60_000, "the workspace's delay");

  const read = await api.get(key, asked.json.id);
  t.is(read.status, 200);
  t.deepEqual(read.json, asked.json);
  t.is(h.twitter.feedback.length, 0, 'nothing is sent before its time');

  // App Home tells when the key was last used.
  t.regex(JSON.stringify((await h.home(ADMIN)).blocks), /by <@U0ADMIN001> · last used \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
});

test.serial('missing, malformed, unknown and revoked keys are refused, and ask for nothing', async (t) => {
  const { h, api } = await start();
  t.teardown(() => h.close());
  const key = await createApiKey(h, ADMIN);
  const body = { customer: '@jack' };

  const missing = await api.post(undefined, body);
  t.is(missing.status, 401);
  t.is(missing.json.error, 'missing_key');
  t.is(missing.headers.get('www-authenticate'), 'Bearer realm="feedback-api"');
  for (const authorization of ['Bearer', 'Bearer not-a-key', `Basic ${Buffer.from(`x:${key}`).toString('base64')}`, key]) {
    const refused = await api.call('POST', '/api/v1/feedback-requests', { body, headers: { authorization } });
    t.is(refused.status, 401, authorization);
    t.is(refused.json.error, 'invalid_key');
    t.regex(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  }
  // Well formed, of this workspace, but never made: one character changed.
  const forged = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
  t.is((await api.post(forged, body)).json.error, 'invalid_key');
  t.is((await api.get(forged, '00000000-0000-4000-8000-000000000000')).status, 401);
  t.is((await api.cancel(undefined, '00000000-0000-4000-8000-000000000000')).status, 401);

  const asked = await api.post(key, body);
  t.is(asked.status, 202);

  // The admin revokes it in App Home: it stops working at once.
  const home = await h.home(ADMIN);
  const block = home.blocks.find((b) => JSON.stringify(b).includes('*Zendesk*'))!;
  const since = h.slack.calls.length;
  await h.post(blockActionsBody(home, { blockId: String(block.block_id), actionId: 'home_revoke_api_key', userId: ADMIN }));
  await h.slack.waitForCall('views.publish', (c) => c.seq >= since);
  for (const revoked of [await api.post(key, body), await api.get(key, asked.json.id), await api.cancel(key, asked.json.id)]) {
    t.is(revoked.status, 403);
    t.is(revoked.json.error, 'revoked_key');
    t.regex(revoked.json.message, /revoked by an admin/);
  }
  t.is(await requestsKept(h), 1, 'only the accepted request was recorded');
});

test.serial(
  'a key acts for its own workspace: another workspace’s requests read as not found, and cannot be cancelled',
  async (t) => {
    const { h, api } = await start({ multiWorkspace: true });
    t.teardown(() => h.close());
    await h.install(ACME.teamId, ACME.botUserId);
    await h.install(GLOBEX.teamId, GLOBEX.botUserId);
    const acme = await keyFor(h, ACME.teamId);
    const globex = await keyFor(h, GLOBEX.teamId);
    const asked = await api.post(acme, { customer: '@jack', external_id: 'ACME-1' });
    t.is(asked.status, 202);

    const read = await api.get(globex, asked.json.id);
    t.is(read.status, 404);
    t.is(read.json.error, 'not_found');
    t.is((await api.cancel(globex, asked.json.id)).status, 404);
    t.like((await api.get(acme, asked.json.id)).json, { status: 'scheduled', external_id: 'ACME-1' });

    // A key whose team part is rewritten to name the other workspace is no key at all.
    t.is((await api.get(acme.replace(ACME.teamId, GLOBEX.teamId), asked.json.id)).status, 401);
    // The same Idempotency-Key in two workspaces names two requests.
    const headers = { 'idempotency-key': 'ticket-1-closed' };
    const first = await api.post(acme, { customer: '@jack' }, headers);
    const second = await api.post(globex, { customer: '@jack' }, headers);
    t.is(second.status, 202);
    t.not(second.json.id, first.json.id);
    t.is(second.headers.get('idempotent-replayed'), null);
  },
);

test.serial(
  'a workspace whose token was revoked gets 403 until it installs again; one that uninstalled loses its keys',
  async (t) => {
    const { h, api } = await start({ multiWorkspace: true });
    t.teardown(() => h.close());
    await h.install(ACME.teamId, ACME.botUserId);
    const key = await keyFor(h, ACME.teamId);
    t.is((await api.post(key, { customer: '@jack' })).status, 202);

    await h.post(eventBody({ type: 'tokens_revoked', tokens: { bot: [ACME.botUserId] } }, ACME.teamId), JSON_EVENT);
    t.is(await statusOnceSettled(api, key, 403), 403);
    const refused = await api.post(key, { customer: '@jack' });
    t.is(refused.json.error, 'not_installed');
    t.regex(refused.json.message, /no longer installed/);

    await h.install(ACME.teamId, ACME.botUserId);
    t.is(await statusOnceSettled(api, key, 202), 202, 'the same key works again after a new install');

    await h.post(eventBody({ type: 'app_uninstalled' }, ACME.teamId), JSON_EVENT);
    t.is(await statusOnceSettled(api, key, 401), 401);
    await h.install(ACME.teamId, ACME.botUserId);
    t.is((await api.post(key, { customer: '@jack' })).status, 401, 'installing again revives no key');
  },
);

test.serial('Idempotency-Key: the same body again gets the first answer; another body gets 409', async (t) => {
  const { h, api } = await start();
  t.teardown(() => h.close());
  const key = await keyFor(h, DEFAULTS.teamId);
  const headers = { 'idempotency-key': 'zendesk-5555-solved' };
  const first = await api.post(key, { customer: '@jack', external_id: '5555', test: true }, headers);
  t.is(first.status, 202);
  t.is(first.headers.get('idempotent-replayed'), null);

  // The same request, its fields in another order and spaced otherwise.
  const again = await api.post(key, '{ "test": true,\n  "external_id": "5555", "customer": "@jack" }', headers);
  t.is(again.status, 202);
  t.deepEqual(again.json, first.json);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.is(again.headers.get('location'), first.headers.get('location'));

  const other = await api.post(key, { customer: '@jack', external_id: '5556', test: true }, headers);
  t.is(other.status, 409);
  t.is(other.json.error, 'idempotency_key_reused');
  t.is(await requestsKept(h), 1);

  // Without the header, each call is a new request.
  await api.post(key, { customer: '@jack', external_id: '5555', test: true });
  t.is(await requestsKept(h), 2);

  for (const bad of ['', 'x'.repeat(256), 'two words']) {
    const refused = await api.post(key, { customer: '@jack' }, { 'idempotency-key': bad });
    t.is(refused.status, 400, JSON.stringify(bad));
    t.is(refused.json.error, 'invalid_idempotency_key');
  }
});

test.serial(
  'Idempotency-Key: a refused request is not remembered, so the corrected one goes through with the same key',
  async (t) => {
    const { h, api } = await start();
    t.teardown(() => h.close());
    const key = await keyFor(h, DEFAULTS.teamId);
    const headers = { 'idempotency-key': 'retry-me' };
    t.is((await api.post(key, { customer: 'not a handle!' }, headers)).status, 422);
    const fixed = await api.post(key, { customer: '@jack' }, headers);
    t.is(fixed.status, 202);
    t.is((await api.post(key, { customer: '@jack' }, headers)).json.id, fixed.json.id);
  },
);

test.serial('Idempotency-Key: duplicates sent at the same moment ask for one request', async (t) => {
  const { h, api } = await start();
  t.teardown(() => h.close());
  const key = await keyFor(h, DEFAULTS.teamId);
  const headers = { 'idempotency-key': 'burst-1' };
  const answers = await Promise.all(
    Array.from({ length: 12 }, () => api.post(key, { customer: '@jack', external_id: 'burst' }, headers)),
  );
  const accepted = answers.filter((a) => a.status === 202);
  t.true(accepted.length >= 1);
  t.is(new Set(accepted.map((a) => a.json.id)).size, 1, 'every accepted answer names the same request');
  for (const busy of answers.filter((a) => a.status !== 202)) {
    t.is(busy.status, 409);
    t.is(busy.json.error, 'idempotency_key_in_use');
    t.is(busy.headers.get('retry-after'), '1');
  }
  t.is(await requestsKept(h), 1);
});

test.serial('every parameter at fault is named in a 422, worded as the feedback form words it', async (t) => {
  const { h, api } = await start();
  t.teardown(() => h.close());
  const key = await keyFor(h, DEFAULTS.teamId);
  const cases: Array<[string, unknown, string | RegExp | undefined]> = [
    ['customer', 'bad handle!', formSays('to_user_id', 'bad handle!')],
    ['customer', undefined, formSays('to_user_id', undefined)],
    ['external_id', 'x'.repeat(257), formSays('external_id', 'x'.repeat(257))],
    ['type', 'ces', formSays('type', 'ces')],
    ['question_variant_id', 38, 'CSAT questions are numbered 0 to 37.'],
    ['message', 'x'.repeat(10_001), formSays('message', 'x'.repeat(10_001))],
    ['message', '   ', formSays('message', '   ')],
    ['display_name', 'A very long display name', formSays('display_name', 'A very long display name')],
    ['privacy_url', 'ftp://acme.example/privacy', formSays('privacy_url', 'ftp://acme.example/privacy')],
    ['test', 'yes', 'Must be true or false.'],
    ['exclude', 1, 'Must be true or false.'],
    ['agent', 'bob', /Slack user id .* or an email address/],
    ['account', '@NotConnected', /No connected Twitter account is @NotConnected\. Connected: @AcmeSupport\./],
    ['send_after', 'tomorrow', /ISO 8601/],
    ['send_after', 31 * 24 * 3600, /30 days/],
    ['notify', { channel: '#support' }, /Slack channel id/],
    ['notify', { channel: 'C0SIMCHAN1', thread_ts: 'yesterday' }, /ts/],
    ['tset', true, /Not a parameter of this API; they are customer, external_id, /],
  ];
  for (const [field, value, wording] of cases) {
    const body: Record<string, unknown> = { customer: '@jack', [field]: value };
    if (value === undefined) delete body[field];
    const answer = await api.post(key, body);
    const label = `${field}: ${JSON.stringify(value)?.slice(0, 40)}`;
    t.is(answer.status, 422, label);
    t.is(answer.json.error, 'invalid_request');
    t.deepEqual(Object.keys(answer.json.errors), [field], label);
    if (typeof wording === 'string') t.is(answer.json.errors[field], wording, label);
    else t.regex(answer.json.errors[field], wording!, label);
  }
  t.is(await requestsKept(h), 0, 'nothing was asked for');
});

test.serial('a body that is not one JSON object is refused with 400, one over 64 KB with 413', async (t) => {
  const { h, api } = await start();
  t.teardown(() => h.close());
  const key = await keyFor(h, DEFAULTS.teamId);
  for (const [body, error] of [
    ['{"customer": "@jack"', 'malformed_json'],
    ['', 'malformed_json'],
    ['[{"customer": "@jack"}]', 'not_an_object'],
    ['null', 'not_an_object'],
    ['"@jack"', 'not_an_object'],
  ]) {
    const refused = await api.post(key, body);
    t.is(refused.status, 400, body);
    t.is(refused.json.error, error);
  }
  const huge = await api.post(key, { customer: '@jack', message: 'x'.repeat(65 * 1024) });
  t.is(huge.status, 413);
  t.is(huge.json.error, 'body_too_large');
  t.is(await requestsKept(h), 0);
});

test.serial('past its rate, a key gets 429 with Retry-After; other keys go on', async (t) => {
  const { h, api } = await start({ env: { API_REQUESTS_PER_MINUTE: '3' } });
  t.teardown(() => h.close());
  const key = await keyFor(h, DEFAULTS.teamId, 'Zendesk');
  const other = await keyFor(h, DEFAULTS.teamId, 'Freshdesk');
  const asked = await api.post(key, { customer: '@jack' });
  t.is((await api.get(key, asked.json.id)).status, 200);
  t.is((await api.get(key, 'no-such-request')).status, 404, 'every request counts, found or not');
  for (const limited of [
    await api.post(key, { customer: '@jack' }),
    await api.get(key, asked.json.id),
    await api.cancel(key, asked.json.id),
  ]) {
    t.is(limited.status, 429);
    t.is(limited.json.error, 'rate_limited');
    const wait = Number(limited.headers.get('retry-after'));
    t.true(Number.isInteger(wait) && wait >= 1 && wait <= 60, `Retry-After: ${wait}`);
    t.regex(limited.json.message, new RegExp(`try again in ${wait} s`));
  }
  t.is(await requestsKept(h), 1, 'a limited request asks for nothing');
  t.is((await api.get(other, asked.json.id)).json.status, 'scheduled', 'nor cancels anything');
});

test.serial('DELETE cancels a scheduled request; any other is 409 with its status, an unknown one 404', async (t) => {
  const { h, api } = await start();
  t.teardown(() => h.close());
  const key = await keyFor(h, DEFAULTS.teamId);
  const asked = await api.post(key, { customer: '@jack', send_after: 3600 });
  const cancelled = await api.cancel(key, asked.json.id);
  t.is(cancelled.status, 200);
  t.like(cancelled.json, { id: asked.json.id, status: 'cancelled', reason: { code: 'cancelled' } });
  t.is((await api.get(key, asked.json.id)).json.status, 'cancelled');

  const again = await api.cancel(key, asked.json.id);
  t.is(again.status, 409);
  t.is(again.json.error, 'not_scheduled');
  t.regex(again.json.message, /this one is cancelled/);
  t.is(again.json.request.status, 'cancelled');

  const skipped = await api.post(key, { customer: '@jack', exclude: true });
  t.like(skipped.json, { status: 'not_sent', reason: { code: 'excluded' } });
  const late = await api.cancel(key, skipped.json.id);
  t.is(late.status, 409);
  t.regex(late.json.message, /this one is not sent/);

  for (const id of ['00000000-0000-4000-8000-000000000000', 'x'.repeat(101), 'a%2Fb']) {
    t.is((await api.cancel(key, id)).status, 404, id);
    t.is((await api.get(key, id)).status, 404, id);
  }
});
