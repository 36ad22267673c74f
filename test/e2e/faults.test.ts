import test from 'ava';
import { openStore } from '../../app/store/store.js';
import { SendLog, type SendRecord } from '../../app/services/send-log.js';
import type { Fault } from '../simulators/twitter.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { CUSTOMERS, Harness } from '../support/harness.js';
import { blockActionsBody, viewSubmissionBody } from '../support/slack-requests.js';

type Block = Record<string, any>;

const values = { to_user_id: CUSTOMERS.jack.id_str, message: 'How did we do?' };

async function outcome(h: Harness, view: SimulatedView): Promise<string> {
  const call = await h.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === view.id && (c.args.view as Block).callback_id === 'feedback_outcome',
  );
  return JSON.stringify(call.args.view);
}

/** The agent's latest send record, as the store holds it. */
async function latestRecord(h: Harness): Promise<SendRecord | undefined> {
  const store = await openStore(h.config.store);
  try {
    const [latest] = await new SendLog(store.records('sends'), store).recent(DEFAULTS.teamId, DEFAULTS.userId, 1);
    return latest;
  } finally {
    await store.close();
  }
}

interface Case {
  title: string;
  inject: (h: Harness) => void;
  status: SendRecord['status'];
  shown: RegExp;
  /** Requests Twitter received for feedback/create. */
  tries: number;
  /** Twitter never answers: the app's timeout is what ends the wait. */
  hangs?: boolean;
}

/** Short, for the cases where Twitter hangs; elsewhere the default leaves a busy machine room. */
const HANG_TIMEOUT = { TWITTER_TIMEOUT_SECONDS: '1' };

const hang = (fault: Fault) => (h: Harness) => h.twitter.setFault(fault);
const answer = (status: number, code?: number, rawBody?: string) => (h: Harness) =>
  h.twitter.failNext({
    path: '/1.1/feedback/create.json',
    status,
    ...(code ? { errors: [{ code, message: 'scripted' }] } : {}),
    ...(rawBody ? { rawBody } : {}),
  });

const cases: Case[] = [
  {
    title: 'a timeout before the request is read',
    inject: hang('hang-before-read'),
    status: 'unknown',
    shown: /Not confirmed.*Send again/,
    tries: 1,
    hangs: true,
  },
  {
    title: 'a timeout after the request is read',
    inject: hang('hang-after-read'),
    status: 'unknown',
    shown: /Not confirmed.*Send again/,
    tries: 1,
    hangs: true,
  },
  {
    title: 'a connection reset mid-response',
    inject: hang('reset-after-read'),
    status: 'unknown',
    shown: /Not confirmed.*Send again/,
    tries: 1,
  },
  { title: 'HTTP 500', inject: answer(500, 131), status: 'not_sent', shown: /Not sent.*internal error/, tries: 1 },
  { title: 'HTTP 503 once, then success', inject: answer(503, 130), status: 'sent', shown: /Sent/, tries: 2 },
  { title: 'HTTP 401', inject: answer(401, 89), status: 'not_sent', shown: /Not sent.*reconnect/, tries: 1 },
  { title: 'HTTP 429 with reset headers', inject: answer(429, 88), status: 'not_sent', shown: /Not sent.*rate limit/, tries: 1 },
  {
    title: 'malformed JSON on 200',
    inject: answer(200, undefined, '{"id": '),
    status: 'unknown',
    shown: /Not confirmed/,
    tries: 1,
  },
];

for (const c of cases) {
  test(`fault: ${c.title} → ${c.status}, said plainly, sent at most once`, async (t) => {
    const h = await Harness.start({ env: c.hangs ? HANG_TIMEOUT : {} });
    try {
      const { view } = await h.command();
      c.inject(h);
      await h.submit(view, values);
      const shown = await outcome(h, view);
      t.regex(shown, c.shown);
      t.notRegex(shown, /\{\\"errors|oauth_|sim-/, 'no raw JSON, no OAuth parameters, no secrets');
      t.is((await latestRecord(h))?.status, c.status);
      h.twitter.setFault(undefined);
      t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, c.tries);
    } finally {
      await h.close();
    }
  });
}

test('Send again after an unconfirmed outcome sends once, on the agent’s explicit click', async (t) => {
  const h = await Harness.start();
  try {
    const { view } = await h.command();
    // Twitter read the request and the connection broke: nobody knows whether it was sent.
    h.twitter.setFault('reset-after-read');
    await h.submit(view, values);
    t.regex(await outcome(h, view), /Not confirmed/);
    h.twitter.setFault(undefined);
    const current = h.slack.view(view.id)!;
    const click = blockActionsBody(current, { blockId: 'resend_actions', actionId: 'resend' });
    await Promise.all([h.post(click), h.post(click)]);
    await h.stopApp();
    const sentShown = h.slack
      .callsTo('views.update')
      .filter((c) => c.args.view_id === view.id && /Sent:/.test(JSON.stringify(c.args.view)));
    t.is(sentShown.length, 1);
    t.is(
      h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length,
      2,
      'the unconfirmed one and the one sent again',
    );
  } finally {
    await h.close();
  }
});

test('Send again by an agent no longer allowed to send gives back none of the places the first try holds', async (t) => {
  const h = await Harness.start({ env: { TWITTER_TIMEOUT_SECONDS: '1' } });
  try {
    const { view } = await h.command();
    h.twitter.setFault('hang-before-read');
    await h.submit(view, values);
    await outcome(h, view);
    h.twitter.setFault(undefined);
    const senders = async (mode: 'listed' | 'everyone') => {
      const store = await openStore(h.config.store);
      await store
        .records('settings')
        .set({ teamId: DEFAULTS.teamId }, 'settings', { senders: { mode, users: [], usergroups: [] } });
      await store.close();
    };
    await senders('listed');
    const since = h.slack.calls.length;
    await h.post(blockActionsBody(h.slack.view(view.id)!, { blockId: 'resend_actions', actionId: 'resend' }));
    await h.slack.waitForCall('views.update', (c) => c.seq >= since && /Nothing was sent/.test(JSON.stringify(c.args.view)));

    // The first try may have reached Jack: he still counts as asked.
    await senders('everyone');
    const again = await h.command();
    const answer = await h.submit(again.view, values);
    t.regex(JSON.stringify(answer.json), /already asked/);
    t.is(h.twitter.feedback.length, 0);
  } finally {
    await h.close();
  }
});

test('a clock out of bounds (code 135) is corrected from Twitter’s Date header and tried once more', async (t) => {
  const h = await Harness.start();
  try {
    h.twitter.setClockSkew(900);
    // Without an answer to the DM check, feedback/create is the first call to meet the skew.
    h.twitter.failNext({ path: '/1.1/friendships/show.json', status: 503, errors: [{ code: 130, message: 'Over capacity' }] });
    const { view } = await h.command();
    await h.submit(view, values);
    t.regex(await outcome(h, view), /Sent/);
    t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 2);
  } finally {
    await h.close();
  }
});

test('simultaneous submissions to one customer from two agents send exactly once', async (t) => {
  const h = await Harness.start();
  try {
    const forms = [];
    for (let i = 0; i < 4; i++) forms.push(await h.command());
    const answers = await Promise.all(
      forms.map(({ view }, i) => h.post(viewSubmissionBody(view, { userId: `U0AGENT00${i}`, values }))),
    );
    const refused = answers.filter((a) => (a.json as Block)?.response_action === 'errors');
    t.is(refused.length, 3);
    t.is(answers.filter((a) => (a.json as Block)?.response_action === 'update').length, 1);
    for (const a of refused) t.regex((a.json as Block).errors.to_user_id, /already asked/);
    await h.stopApp();
    t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 1);
  } finally {
    await h.close();
  }
});

test('when Slack loses the view, the outcome still reaches the agent', async (t) => {
  const h = await Harness.start();
  try {
    const { view, responseUrl } = await h.command();
    h.slack.failNext('views.update', 'not_found');
    await h.submit(view, values);
    const told = await h.slack.waitForCall('response_url', (c) => c.url === responseUrl);
    t.regex(JSON.stringify(told.args), /Sent/);
  } finally {
    await h.close();
  }
});

test('when Twitter’s rate-limit headers say none are left, the next request waits for the reset', async (t) => {
  const h = await Harness.start({ feedbackLimit: 1 });
  try {
    const first = await h.command();
    await h.submit(first.view, values);
    t.regex(await outcome(h, first.view), /Sent/);
    const second = await h.command();
    const answer = await h.submit(second.view, { ...values, to_user_id: CUSTOMERS.bigId.id_str });
    t.regex(JSON.stringify(answer.json), /pause.*Next possible/);
    t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 1);
  } finally {
    await h.close();
  }
});

test('after an unconfirmed outcome the customer keeps counting as asked: a new request is refused', async (t) => {
  const h = await Harness.start({ env: HANG_TIMEOUT });
  try {
    const first = await h.command();
    // Twitter read the request and never answered: the customer may have been asked.
    h.twitter.setFault('hang-after-read');
    await h.submit(first.view, values);
    t.regex(await outcome(h, first.view), /Not confirmed/);
    h.twitter.setFault(undefined);
    const second = await h.command();
    const answer = await h.submit(second.view, values);
    t.is((answer.json as Block).response_action, 'errors');
    t.regex((answer.json as Block).errors.to_user_id, /already asked/);
    await h.stopApp();
    t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 1);
  } finally {
    await h.close();
  }
});

/** The outcome view with its Send again button pointing at another send record, as a forged click would. */
function resendPointingAt(view: SimulatedView, recordId: string): SimulatedView {
  const blocks = structuredClone(view.blocks) as Block[];
  const button = (blocks.find((b) => b.block_id === 'resend_actions')!.elements as Block[]).find(
    (e) => e.action_id === 'resend',
  )!;
  button.value = recordId;
  return { ...view, blocks };
}

test('Send again sends nothing when clicked by another agent, or on a send whose outcome is known or that does not exist', async (t) => {
  const h = await Harness.start();
  try {
    const send = async (customer: string) => {
      const { view } = await h.command();
      await h.submit(view, { ...values, to_user_id: customer });
      await outcome(h, view);
      return view;
    };
    await send(CUSTOMERS.bigId.id_str);
    // DMs closed between the check and the send: Twitter refuses, and the record is settled as not sent.
    h.twitter.failNext({
      path: '/1.1/feedback/create.json',
      status: 403,
      errors: [{ code: 349, message: 'You cannot send messages to this user.' }],
    });
    await send(CUSTOMERS.jill.id_str);
    h.twitter.setFault('reset-after-read');
    const unconfirmed = await send(CUSTOMERS.jack.id_str);
    h.twitter.setFault(undefined);

    const store = await openStore(h.config.store);
    const records = await new SendLog(store.records('sends'), store).recent(DEFAULTS.teamId, DEFAULTS.userId, 3);
    await store.close();
    const idOf = (status: SendRecord['status']) => records.find((r) => r.status === status)!.id;
    const shown = h.slack.view(unconfirmed.id)!;
    t.truthy(
      shown.blocks.find((b) => b.block_id === 'resend_actions'),
      'the outcome offers Send again',
    );

    const clicks = {
      'another agent': blockActionsBody(shown, { blockId: 'resend_actions', actionId: 'resend', userId: 'U0AGENT002' }),
      'a sent request': blockActionsBody(resendPointingAt(shown, idOf('sent')), {
        blockId: 'resend_actions',
        actionId: 'resend',
      }),
      'a request not sent': blockActionsBody(resendPointingAt(shown, idOf('not_sent')), {
        blockId: 'resend_actions',
        actionId: 'resend',
      }),
      'no such request': blockActionsBody(resendPointingAt(shown, '00000000-0000-4000-8000-000000000000'), {
        blockId: 'resend_actions',
        actionId: 'resend',
      }),
    };
    for (const [who, click] of Object.entries(clicks)) {
      const since = h.slack.calls.length;
      await h.post(click);
      const answer = await h.slack.waitForCall('views.update', (c) => c.seq >= since && c.args.view_id === unconfirmed.id);
      t.regex(JSON.stringify(answer.args.view), /cannot be sent again/, who);
    }
    await h.stopApp();
    t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 3, 'only the three first requests');
  } finally {
    await h.close();
  }
});
