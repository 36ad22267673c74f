import test from 'ava';
import type { Admission } from '../../../../../app/services/feedback-requests.js';
import { feedbackSubmitted } from '../../../../../app/slack/listeners/views/feedback-submitted.js';
import { NOT_ALLOWED, NO_ACCOUNT, STALE_FORM } from '../../../../../app/slack/user-interface/notices.js';
import { argsOf, fakeClient, fakeServices, logger, recording, sending, unknownResult, type Calls } from '../../../fakes.js';

type Args = Parameters<ReturnType<typeof feedbackSubmitted>>[0];

const context = { team_id: 'T1', business_name: 'Acme', response_url: 'https://hooks.slack.com/commands/1' };

async function submit(admission: Admission | undefined, metadata: object = context) {
  const calls: Calls = [];
  const view = {
    id: 'V1',
    private_metadata: JSON.stringify(metadata),
    state: { values: { to_user_id: { to_user_id: { type: 'plain_text_input', value: '@jack' } } } },
  };
  const args = {
    ack: recording(calls, 'ack'),
    body: { team: { id: 'T1' }, user: { id: 'U1' }, view },
    view,
    client: fakeClient(calls),
    logger,
  } as unknown as Args;
  await feedbackSubmitted(fakeServices(calls, { admit: admission, send: { result: unknownResult, resendId: 'S1' } }))(args);
  return calls;
}

type Ack = { response_action: string; errors?: Record<string, string>; view?: unknown };

function ackOf(calls: Calls): Ack {
  const acks = argsOf(calls, 'ack') as Ack[];
  if (acks.length !== 1) throw new Error(`acked ${acks.length} times`);
  return acks[0];
}

const refusal = (rule: 'recipient_weekly' | 'account_daily') => ({
  kind: 'refused' as const,
  refusal: { rule, retryAt: new Date(0), message: `Limit ${rule} <reached>.` },
});

test('a submission from someone not allowed to send turns the modal into the notice, and sends nothing', async (t) => {
  const calls = await submit({ kind: 'forbidden' });
  const ack = ackOf(calls);
  t.is(ack.response_action, 'update');
  t.regex(JSON.stringify(ack.view), new RegExp(NOT_ALLOWED.title));
  t.deepEqual(argsOf(calls, 'requests.send'), []);
});

test('a submission with invalid fields puts each message on its field', async (t) => {
  const calls = await submit({ kind: 'invalid', errors: { to_user_id: 'No such user.', message: 'Too long.' } });
  t.deepEqual(ackOf(calls), { response_action: 'errors', errors: { to_user_id: 'No such user.', message: 'Too long.' } });
  t.deepEqual(argsOf(calls, 'requests.send'), []);
});

test('a submission where no account is connected turns the modal into the notice', async (t) => {
  const ack = ackOf(await submit({ kind: 'no_account' }));
  t.is(ack.response_action, 'update');
  t.regex(JSON.stringify(ack.view), new RegExp(NO_ACCOUNT.title));
});

test('a submission already being sent is acked with nothing, and sent no second time', async (t) => {
  const calls = await submit({ kind: 'duplicate' });
  t.deepEqual(argsOf(calls, 'ack'), [undefined]);
  t.deepEqual(argsOf(calls, 'requests.send'), []);
});

test("a customer's limit shows on the customer field; the account's limit replaces the modal, escaped", async (t) => {
  t.deepEqual(ackOf(await submit(refusal('recipient_weekly'))), {
    response_action: 'errors',
    errors: { to_user_id: 'Limit recipient_weekly <reached>.' },
  });
  const ack = ackOf(await submit(refusal('account_daily')));
  t.is(ack.response_action, 'update');
  t.regex(JSON.stringify(ack.view), /Limit account_daily &lt;reached&gt;\./);
});

test('a submission let through shows Sending, then sends it once, keeping where the agent can be told and the thread it came from', async (t) => {
  const thread = { channel_id: 'C1', thread_ts: '1700000000.000100' };
  const calls = await submit({ kind: 'ready', sending }, { ...context, ...thread });
  const ack = ackOf(calls);
  t.is(ack.response_action, 'update');
  t.regex(JSON.stringify(ack.view), /Sending the CSAT request to @jack/);
  t.deepEqual(argsOf(calls, 'requests.send'), [[sending, context.response_url, thread]]);
  const [[submission]] = argsOf(calls, 'requests.admit') as Array<[{ teamId: string; agentId: string; key: string }]>;
  t.like(submission, { teamId: 'T1', agentId: 'U1', key: 'V1' });
  const [update] = argsOf(calls, 'views.update') as Array<{ view_id: string; view: unknown }>;
  t.is(update.view_id, 'V1');
  t.regex(JSON.stringify(update.view), /"action_id":"resend".*"value":"S1"/);
});

test('a form opened for another workspace is refused without asking anything', async (t) => {
  const calls = await submit({ kind: 'ready', sending }, { ...context, team_id: 'T2' });
  const ack = ackOf(calls);
  t.is(ack.response_action, 'update');
  t.regex(JSON.stringify(ack.view), new RegExp(STALE_FORM.text.slice(0, 30)));
  t.deepEqual(argsOf(calls, 'requests.admit'), []);
});
