import test from 'ava';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUSINESS, BUSINESS_TOKENS, CUSTOMERS, Harness, SECRETS } from '../support/harness.js';
import { eventBody, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';
import { closedPort } from '../support/temporary.js';

const CLI = fileURLToPath(new URL('../../app/cli/accounts.js', import.meta.url));
const TOKEN = '42-CliAccessTokenValue';
const SECRET = 'CliAccessTokenSecretValue';

const root = mkdtempSync(join(tmpdir(), 'feedback-cli-'));
// Where no Twitter answers: commands that must not call it fail loudly if they try.
const NO_TWITTER = `http://127.0.0.1:${await closedPort()}`;
let dirs = 0;
test.after.always(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh working directory and store per test, and only the settings the command reads. */
function setup(extra: Record<string, string> = {}) {
  const cwd = join(root, `case-${++dirs}`);
  const storeFile = join(cwd, 'store', 'accounts.sqlite');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    STORE_URL: `sqlite://${storeFile}`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    TWITTER_CONSUMER_KEY: 'consumer-key',
    TWITTER_CONSUMER_SECRET: 'consumer-secret',
    TWITTER_API_URL: NO_TWITTER,
    ...extra,
  };
  mkdirSync(cwd, { recursive: true });
  const run = (...args: string[]): Promise<Run> => runIn(cwd, env, args);
  return { cwd, env, storeFile, run };
}

function runIn(cwd: string, env: Record<string, string>, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function assertNoSecret(t: import('ava').ExecutionContext, run: Run): void {
  for (const secret of [TOKEN, SECRET]) {
    t.false(run.stdout.includes(secret), 'a token is in the output');
    t.false(run.stderr.includes(secret), 'a token is in the error output');
  }
}

/** A stand-in for Twitter's verify_credentials. */
async function fakeTwitter(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

test('add without checking, list without secrets, remove', async (t) => {
  const { run, storeFile } = setup();
  const added = await run(
    'add',
    '--team',
    'T123',
    '--user-id',
    '42',
    '--screen-name',
    '@bizco',
    '--name',
    'Biz Co',
    '--token',
    TOKEN,
    '--secret',
    SECRET,
  );
  t.is(added.code, 0, added.stderr);
  t.regex(added.stdout, /Added @bizco .*T123.*not checked/);
  assertNoSecret(t, added);

  const listed = await run('list', '--team', 'T123');
  t.is(listed.code, 0, listed.stderr);
  t.regex(listed.stdout, /USER ID\s+SCREEN NAME\s+NAME/);
  t.regex(listed.stdout, /42\s+@bizco\s+Biz Co\s+\S+\s+ok/);
  assertNoSecret(t, listed);

  const bytes = readFileSync(storeFile);
  t.true(bytes.includes('bizco'));
  t.false(bytes.includes(TOKEN));
  t.false(bytes.includes(SECRET));

  const elsewhere = await run('list', '--team', 'T999');
  t.is(elsewhere.code, 0);
  t.regex(elsewhere.stdout, /T999 has no Twitter accounts/);

  const removed = await run('remove', '--team', 'T123', '--user-id', '42');
  t.is(removed.code, 0, removed.stderr);
  t.regex(removed.stdout, /Removed user id 42/);
  t.regex((await run('list', '--team', 'T123')).stdout, /no Twitter accounts/);

  const again = await run('remove', '--team', 'T123', '--user-id', '42');
  t.is(again.code, 1);
  t.regex(again.stderr, /no Twitter account with user id 42/);
});

test('tokens are read from the environment when the flags are left out', async (t) => {
  const { run } = setup({ TWITTER_ACCESS_TOKEN: TOKEN, TWITTER_ACCESS_TOKEN_SECRET: SECRET });
  const added = await run('add', '--team', 'T1', '--enterprise', 'E1', '--user-id', '42', '--screen-name', 'bizco');
  t.is(added.code, 0, added.stderr);
  t.regex(added.stdout, /T1 \(organisation E1\)/);
  t.regex((await run('list', '--team', 'T1', '--enterprise', 'E1')).stdout, /@bizco/);
  // The team id alone names the workspace, as the app names it.
  t.regex((await run('list', '--team', 'T1')).stdout, /@bizco/);
});

test('an account added with --enterprise is the one the app sends as in that workspace, and goes at uninstall', async (t) => {
  const harness = await Harness.start({ multiWorkspace: true });
  t.teardown(() => harness.close());
  const GRID = { teamId: 'T0GRIDTM01', enterpriseId: 'E0GRID0001', botUserId: 'U0GRIDBOT1' };
  await harness.install(GRID.teamId, GRID.botUserId);
  const { run } = setup({ STORE_URL: harness.config.store.storeUrl, ENCRYPTION_KEY: SECRETS.encryptionKey });
  const added = await run(
    'add',
    '--team',
    GRID.teamId,
    '--enterprise',
    GRID.enterpriseId,
    '--user-id',
    BUSINESS.id_str,
    '--screen-name',
    BUSINESS.screen_name,
    '--name',
    BUSINESS.name,
    '--token',
    BUSINESS_TOKENS.access_token,
    '--secret',
    BUSINESS_TOKENS.access_token_secret,
  );
  t.is(added.code, 0, added.stderr);
  t.regex(added.stdout, /T0GRIDTM01 \(organisation E0GRID0001\)/);

  // As Slack names a Grid workspace: by its team and its organisation.
  const fromGrid = (body: URLSearchParams) => {
    body.set('enterprise_id', GRID.enterpriseId);
    return body;
  };
  const { view } = await harness.open(
    (triggerId) =>
      fromGrid(
        slashCommandBody({ teamId: GRID.teamId, triggerId, responseUrl: harness.slack.responseUrl({ teamId: GRID.teamId }) }),
      ),
    GRID.teamId,
  );
  t.is(view.callback_id, 'feedback', JSON.stringify(view.blocks));
  await harness.post(
    viewSubmissionBody(harness.slack.view(view.id)!, {
      teamId: GRID.teamId,
      values: { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' },
    }),
  );
  const [created] = await harness.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
  t.is(created.oauth.oauth_token, BUSINESS_TOKENS.access_token);

  const uninstall = JSON.parse(eventBody({ type: 'app_uninstalled' }, GRID.teamId));
  uninstall.enterprise_id = GRID.enterpriseId;
  uninstall.authorizations[0].enterprise_id = GRID.enterpriseId;
  t.is((await harness.post(JSON.stringify(uninstall), { headers: { 'content-type': 'application/json' } })).status, 200);
  // The event is acknowledged before it is handled.
  let listed = '';
  for (let tries = 0; tries < 50 && !/no Twitter accounts/.test(listed); tries++) {
    listed = (await run('list', '--team', GRID.teamId, '--enterprise', GRID.enterpriseId)).stdout;
  }
  t.regex(listed, /T0GRIDTM01 \(organisation E0GRID0001\) has no Twitter accounts/);
  t.regex((await run('list', '--team', GRID.teamId)).stdout, /no Twitter accounts/);
});

test('without tokens, add says where to give them', async (t) => {
  const { run } = setup();
  const result = await run('add', '--team', 'T1', '--user-id', '42', '--screen-name', 'bizco');
  t.is(result.code, 2);
  t.regex(result.stderr, /TWITTER_ACCESS_TOKEN/);
});

test('settings are read from a .env file in the working directory', async (t) => {
  const { run, cwd, env } = setup();
  const { ENCRYPTION_KEY, STORE_URL, ...rest } = env;
  writeFileSync(join(cwd, '.env'), `ENCRYPTION_KEY=${ENCRYPTION_KEY}\nSTORE_URL=${STORE_URL}\n`);
  const withFile = await runIn(cwd, rest, [
    'add',
    '--team',
    'T1',
    '--user-id',
    '42',
    '--screen-name',
    'bizco',
    '--token',
    TOKEN,
    '--secret',
    SECRET,
  ]);
  t.is(withFile.code, 0, withFile.stderr);
  t.regex((await run('list', '--team', 'T1')).stdout, /@bizco/);
});

test('add checks the tokens with Twitter and keeps the account it names', async (t) => {
  const twitter = await fakeTwitter((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ id_str: '1234567890123456789', screen_name: 'RealBiz', name: 'Real Business', id: 1234567890123456800 }),
    );
  });
  t.teardown(twitter.close);
  const { run } = setup({ TWITTER_API_URL: twitter.url });
  const added = await run('add', '--team', 'T1', '--token', TOKEN, '--secret', SECRET, '--added-by', 'ops');
  t.is(added.code, 0, added.stderr);
  t.regex(added.stdout, /Added @RealBiz \(Real Business, user id 1234567890123456789\).*checked with Twitter/);
  assertNoSecret(t, added);
  t.is(twitter.requests.length, 1);
  t.regex(twitter.requests[0].url ?? '', /^\/1\.1\/account\/verify_credentials\.json/);
  t.true((twitter.requests[0].headers.authorization ?? '').includes(`oauth_token="${TOKEN}"`));
  t.regex((await run('list', '--team', 'T1')).stdout, /1234567890123456789\s+@RealBiz\s+Real Business\s+\S+\s+ops\s+ok/);
});

test('tokens Twitter refuses are not added', async (t) => {
  const twitter = await fakeTwitter((_req, res) => {
    res.statusCode = 401;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ errors: [{ code: 89, message: 'Invalid or expired token.' }] }));
  });
  t.teardown(twitter.close);
  const { run } = setup({ TWITTER_API_URL: twitter.url });
  const refused = await run('add', '--team', 'T1', '--token', TOKEN, '--secret', SECRET);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /not checked.*tokens are wrong, expired or revoked/s);
  assertNoSecret(t, refused);
  t.regex((await run('list', '--team', 'T1')).stdout, /no Twitter accounts/);
});

test('Twitter out of reach: add fails and points to adding without checking', async (t) => {
  const { run } = setup({ TWITTER_API_URL: `http://127.0.0.1:${await closedPort()}` });
  const result = await run('add', '--team', 'T1', '--token', TOKEN, '--secret', SECRET);
  t.is(result.code, 1);
  t.regex(result.stderr, /--user-id/);
  assertNoSecret(t, result);
});

test('a missing ENCRYPTION_KEY or a wrong STORE_URL stops the command with a message naming it', async (t) => {
  const { run, env } = setup();
  const { ENCRYPTION_KEY: _unused, ...rest } = env;
  for (const args of [
    ['list', '--team', 'T1'],
    ['add', '--team', 'T1', '--user-id', '42', '--screen-name', 'bizco', '--token', TOKEN, '--secret', SECRET],
  ]) {
    const result = await runIn(setup().cwd, rest, args);
    t.not(result.code, 0);
    t.regex(result.stderr, /ENCRYPTION_KEY is not set/);
    assertNoSecret(t, result);
  }
  const malformed = await runIn(setup().cwd, { ...env, ENCRYPTION_KEY: 'too-short' }, ['list', '--team', 'T1']);
  t.is(malformed.code, 2);
  t.regex(malformed.stderr, /ENCRYPTION_KEY must be 32 random bytes/);
  t.false(malformed.stderr.includes('too-short'));
  const unsupported = await runIn(setup().cwd, { ...env, STORE_URL: 'mysql://:hunter2@cache:3306' }, ['list', '--team', 'T1']);
  t.is(unsupported.code, 2);
  t.regex(unsupported.stderr, /STORE_URL uses "mysql:"/);
  t.false(unsupported.stderr.includes('hunter2'));
  t.is((await run('list', '--team', 'T1')).code, 0);
});

test('usage: help, and wrong arguments exit 2 with a hint', async (t) => {
  const { run } = setup();
  const help = await run('--help');
  t.is(help.code, 0);
  t.regex(help.stdout, /^Usage: npm run accounts -- <command>/);

  const cases: Array<[string[], RegExp]> = [
    [[], /No command: use add, list or remove/],
    [['rename', '--team', 'T1'], /Unknown command: use add, list or remove/],
    [['constructor', '--team', 'T1'], /Unknown command/],
    [['list'], /--team is required/],
    [['remove', '--team', 'T1'], /--user-id is required/],
    [['remove', '--team', 'T1', '--user-id', '@bizco'], /numeric Twitter user id/],
    [['add', '--team', 'T1', '--user-id', 'jack', '--screen-name', 'x'], /--user-id must be a numeric/],
    [['add', '--team', 'T1', '--user-id', '42'], /--screen-name is required/],
    [['add', '--team', 'T1', '--screen-name', 'bizco'], /go with --user-id/],
    [['list', '--team', 'T1', '--colour'], /Unknown option '--colour'/],
  ];
  for (const [args, message] of cases) {
    const result = await run(...args);
    t.is(result.code, 2, args.join(' '));
    t.regex(result.stderr, message, args.join(' '));
    t.regex(result.stderr, /--help/);
  }

  // A mistyped option leaves its value as a stray word: it must not be repeated.
  const stray = await run('add', '--team', 'T1', '--tokn', TOKEN);
  t.is(stray.code, 2);
  assertNoSecret(t, stray);
  const word = await run('list', '--team', 'T1', SECRET);
  t.is(word.code, 2);
  assertNoSecret(t, word);
  const first = await run(TOKEN);
  t.is(first.code, 2);
  assertNoSecret(t, first);
});

test('list, remove and an unchecked add need no Twitter consumer key', async (t) => {
  const { run } = setup({ TWITTER_CONSUMER_KEY: '', TWITTER_CONSUMER_SECRET: '' });
  const added = await run(
    'add',
    '--team',
    'T9',
    '--user-id',
    '42',
    '--screen-name',
    'bizco',
    '--name',
    'Biz',
    '--token',
    TOKEN,
    '--secret',
    SECRET,
  );
  t.is(added.code, 0, added.stderr);
  const listed = await run('list', '--team', 'T9');
  t.is(listed.code, 0, listed.stderr);
  t.regex(listed.stdout, /bizco/);
  const checked = await run('add', '--team', 'T9', '--token', TOKEN, '--secret', SECRET);
  t.is(checked.code, 2);
  t.regex(checked.stderr, /TWITTER_CONSUMER_KEY/);
});
