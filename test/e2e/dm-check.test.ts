import test from 'ava';
import { LogLevel } from '@slack/logger';
import { format } from 'node:util';
import { DM_CHECK_BUDGET, DmCheck } from '../../app/services/dm-check.js';
import { workspaceId } from '../../app/domain/workspace.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import type { RecordedRequest } from '../simulators/twitter.js';
import { BUSINESS, BUSINESS_TOKENS, CUSTOMERS, Harness, SECRETS } from '../support/harness.js';
import { BUSINESS as CLIENT_BUSINESS, clientAndSimulator, CONSUMER, TOKENS } from '../support/twitter-client.js';

type Block = Record<string, any>;

const CHECK = '/1.1/friendships/show.json';
const CREATE = '/1.1/feedback/create.json';
const values = { message: 'How did we do?' };

const checks = (h: Harness) => h.twitter.requests.filter((r: RecordedRequest) => r.path === CHECK);
const creates = (h: Harness) => h.twitter.requests.filter((r: RecordedRequest) => r.path === CREATE);

async function outcome(h: Harness, view: SimulatedView): Promise<string> {
  const call = await h.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === view.id && (c.args.view as Block).callback_id === 'feedback_outcome',
    15_000,
  );
  return JSON.stringify(call.args.view);
}

/** A /feedback form submitted to `customer`; resolves with Slack's answer and the form. */
async function send(h: Harness, customer: string) {
  const { view } = await h.command();
  const response = await h.submit(view, { ...values, to_user_id: customer });
  return { view, answer: response.json as { response_action: string; errors?: Record<string, string> } };
}

/** The warnings the app writes to the console while `work` runs. */
async function logsOf(work: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const saved = console.warn;
  console.warn = (...args: unknown[]) => void lines.push(format(...args));
  try {
    await work();
  } finally {
    console.warn = saved;
  }
  return lines.join('\n');
}

test('a customer with closed DMs is refused on to_user_id: no feedback/create, no limit taken; once open, the send goes', async (t) => {
  const h = await Harness.start();
  try {
    const { answer } = await send(h, '@closed_dms');
    t.is(answer.response_action, 'errors');
    t.deepEqual(Object.keys(answer.errors ?? {}), ['to_user_id']);
    const said = answer.errors?.to_user_id ?? '';
    t.regex(said, /^@closed_dms does not accept Direct Messages from @AcmeSupport, so nothing was sent\./);
    t.regex(said, /follow @AcmeSupport or to allow messages from everyone/);
    const [check] = checks(h);
    t.true(check.verified);
    t.is(check.oauth.oauth_token, BUSINESS_TOKENS.access_token);
    t.deepEqual(check.query, { source_id: BUSINESS.id_str, target_id: CUSTOMERS.closedDms.id_str });
    t.is(creates(h).length, 0);

    // Had the refusal taken the customer's place, this would be "already asked".
    h.twitter.acceptDms(CUSTOMERS.closedDms.id_str, true);
    const again = await send(h, CUSTOMERS.closedDms.id_str);
    t.is(again.answer.response_action, 'update');
    t.regex(await outcome(h, again.view), /Sent/);
    t.is(h.twitter.feedback.length, 1);
  } finally {
    await h.close();
  }
});

test('a customer id with closed DMs is named by its id', async (t) => {
  const h = await Harness.start();
  try {
    const { answer } = await send(h, CUSTOMERS.closedDms.id_str);
    t.regex(
      answer.errors?.to_user_id ?? '',
      /^The customer with user id 565656565656 does not accept Direct Messages from @AcmeSupport/,
    );
    t.is(creates(h).length, 0);
  } finally {
    await h.close();
  }
});

for (const [title, inject] of [
  [
    'HTTP 503',
    (h: Harness) => h.twitter.failNext({ path: CHECK, status: 503, errors: [{ code: 130, message: 'Over capacity' }] }),
  ],
  ['HTTP 500 with no body', (h: Harness) => h.twitter.failNext({ path: CHECK, status: 500, rawBody: '' })],
  [
    'HTTP 429',
    (h: Harness) => h.twitter.failNext({ path: CHECK, status: 429, errors: [{ code: 88, message: 'Rate limit exceeded' }] }),
  ],
  [
    'an answer that is not the expected JSON',
    (h: Harness) => h.twitter.failNext({ path: CHECK, status: 200, rawBody: '{"relationship":{}}' }),
  ],
] as const) {
  // One at a time: each reads the console the app writes to.
  test.serial(
    `when the DM check fails (${title}), the request is sent all the same, and the failure is logged without secrets`,
    async (t) => {
      let h: Harness | undefined;
      const logged = await logsOf(async () => {
        h = await Harness.start({ logLevel: LogLevel.WARN });
        try {
          inject(h);
          const { view, answer } = await send(h, CUSTOMERS.jack.id_str);
          t.is(answer.response_action, 'update');
          t.regex(await outcome(h, view), /Sent/);
          t.is(checks(h).length, 1);
          t.is(h.twitter.feedback.length, 1);
        } finally {
          await h.close();
        }
      });
      t.regex(logged, /Sending as @AcmeSupport without checking that the customer accepts Direct Messages/);
      for (const secret of [SECRETS.consumerSecret, SECRETS.accessToken, SECRETS.accessTokenSecret])
        t.false(logged.includes(secret));
    },
  );
}

test('when the DM check gets no answer in time, the request is sent all the same', async (t) => {
  const h = await Harness.start();
  try {
    const { view } = await h.command();
    h.twitter.setFault('hang-after-read');
    const submitted = h.submit(view, { ...values, to_user_id: CUSTOMERS.jack.id_str });
    // Only the check hangs: the fault is lifted as soon as it has arrived.
    await h.twitter.waitForRequests((r) => r.path === CHECK);
    h.twitter.setFault(undefined);
    const response = await submitted;
    t.is((response.json as Block).response_action, 'update');
    t.regex(await outcome(h, view), /Sent/);
    t.is(h.twitter.feedback.length, 1);
  } finally {
    await h.close();
  }
});

test('after Twitter answers the check with 429, it is not asked again until its reset, and sends go on', async (t) => {
  const h = await Harness.start();
  try {
    const reset = Math.floor(Date.now() / 1000) + 600;
    h.twitter.failNext({
      path: CHECK,
      status: 429,
      errors: [{ code: 88, message: 'Rate limit exceeded' }],
      headers: { 'x-rate-limit-limit': '180', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
    });
    const first = await send(h, CUSTOMERS.jack.id_str);
    t.regex(await outcome(h, first.view), /Sent/);
    // Closed DMs go unnoticed while the check rests: feedback/create refuses them itself.
    const second = await send(h, CUSTOMERS.closedDms.id_str);
    t.is(second.answer.response_action, 'update');
    t.regex(await outcome(h, second.view), /does not accept Direct Messages/);
    t.is(checks(h).length, 1);
    t.is(creates(h).length, 2);
  } finally {
    await h.close();
  }
});

test('when Twitter says no checks are left (x-rate-limit-remaining: 0), the next send skips the check', async (t) => {
  const h = await Harness.start();
  try {
    const reset = Math.floor(Date.now() / 1000) + 600;
    h.twitter.failNext({
      path: CHECK,
      status: 200,
      rawBody: JSON.stringify({
        relationship: { source: { id_str: BUSINESS.id_str, can_dm: true }, target: { id_str: CUSTOMERS.jack.id_str } },
      }),
      headers: { 'x-rate-limit-limit': '180', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
    });
    const first = await send(h, CUSTOMERS.jack.id_str);
    t.regex(await outcome(h, first.view), /Sent/);
    const second = await send(h, CUSTOMERS.bigId.id_str);
    t.regex(await outcome(h, second.view), /Sent/);
    t.is(checks(h).length, 1);
    t.is(h.twitter.feedback.length, 2);
  } finally {
    await h.close();
  }
});

test('once the account’s 180 checks in 15 minutes are spent, by any instance sharing the store, sends go on unchecked', async (t) => {
  const h = await Harness.start();
  try {
    // Another instance on the same store spent all but one.
    const store = await openStore(h.config.store);
    const key = `dm-check:account:${workspaceId({ teamId: DEFAULTS.teamId })}:${BUSINESS.id_str}`;
    for (let i = 0; i < DM_CHECK_BUDGET - 1; i++)
      await store.reserve(key, DM_CHECK_BUDGET, 15 * 60 * 1000, Date.now(), `elsewhere-${i}`);
    await store.close();
    const first = await send(h, CUSTOMERS.jack.id_str);
    t.regex(await outcome(h, first.view), /Sent/);
    t.is(checks(h).length, 1);
    const second = await send(h, CUSTOMERS.bigId.id_str);
    t.is(second.answer.response_action, 'update');
    t.regex(await outcome(h, second.view), /Sent/);
    t.is(checks(h).length, 1, 'the 181st check is not made');
    t.is(h.twitter.feedback.length, 2);
  } finally {
    await h.close();
  }
});

test('the check stops calling Twitter once its budget is spent; each workspace has its own', async (t) => {
  const { sim, client } = await clientAndSimulator(t, { users: [CUSTOMERS.jack] });
  const store = await openStore({ storeUrl: 'sqlite://:memory:', encryptionKey: Buffer.alloc(32, 1) });
  t.teardown(() => store.close());
  const warned: string[] = [];
  const dms = new DmCheck(client, store, (message) => warned.push(message), { budget: 3 });
  const account = { ...CLIENT_BUSINESS, user_id: CLIENT_BUSINESS.id_str, tokens: TOKENS };
  const results = [];
  for (let i = 0; i < 5; i++) results.push(await dms.check({ teamId: 'T0BUDGET' }, account, CUSTOMERS.jack.id_str, 1000));
  t.deepEqual(results, ['open', 'open', 'open', 'unchecked', 'unchecked']);
  t.is(sim.requests.length, 3);
  t.regex(warned.join('\n'), /its 3 checks in 15 minutes are spent/);
  // Another workspace's budget is its own.
  t.is(await dms.check({ teamId: 'T0OTHER' }, account, CUSTOMERS.jack.id_str, 1000), 'open');
  t.is(sim.requests.length, 4);
  t.false(warned.join('\n').includes(CONSUMER.secret));
});

test('with no time left before Slack needs its answer, Twitter is not asked', async (t) => {
  const { sim, client } = await clientAndSimulator(t, { users: [CUSTOMERS.jack] });
  const store = await openStore({ storeUrl: 'sqlite://:memory:', encryptionKey: Buffer.alloc(32, 1) });
  t.teardown(() => store.close());
  const dms = new DmCheck(client, store, () => undefined);
  const account = { ...CLIENT_BUSINESS, user_id: CLIENT_BUSINESS.id_str, tokens: TOKENS };
  t.is(await dms.check({ teamId: 'T0BUDGET' }, account, CUSTOMERS.jack.id_str, 0), 'unchecked');
  t.is(sim.requests.length, 0);
});
