import test from 'ava';
import { USAGE } from '../../../../../app/domain/command-args.js';
import { feedbackCommand } from '../../../../../app/slack/listeners/commands/feedback.js';
import { NOT_ALLOWED, NO_ACCOUNT } from '../../../../../app/slack/user-interface/notices.js';
import { account, argsOf, fakeClient, fakeServices, recording, type Calls } from '../../../fakes.js';

type Args = Parameters<ReturnType<typeof feedbackCommand>>[0];

async function run(text: string, answers: Parameters<typeof fakeServices>[1] = {}) {
  const calls: Calls = [];
  const body = {
    text,
    team_id: 'T1',
    user_id: 'U1',
    channel_id: 'C1',
    trigger_id: 'tr1',
    response_url: 'https://hooks.slack.com/commands/1',
  };
  const args = { ack: recording(calls, 'ack'), body, command: body, client: fakeClient(calls) } as unknown as Args;
  await feedbackCommand(fakeServices(calls, answers))(args);
  return calls;
}

const complete = 'csat @jack Thanks for talking to us!';

test('/feedback help answers with the usage, privately, and opens nothing', async (t) => {
  const calls = await run('help');
  t.deepEqual(argsOf(calls, 'ack'), [{ response_type: 'ephemeral', text: USAGE }]);
  t.deepEqual(argsOf(calls, 'views.open'), []);
});

test('/feedback with words it cannot read answers with the problem and the usage, and opens nothing', async (t) => {
  const calls = await run('csat @jack@jack');
  const [answer] = argsOf(calls, 'ack') as Array<{ response_type: string; text: string }>;
  t.is(answer.response_type, 'ephemeral');
  t.true(answer.text.endsWith(USAGE));
  t.not(answer.text, USAGE);
  t.deepEqual(argsOf(calls, 'views.open'), []);
});

test('/feedback with too few words acks at once and opens the modal prefilled with them', async (t) => {
  const calls = await run('@jack');
  t.deepEqual(argsOf(calls, 'ack'), [undefined]);
  const [opened] = argsOf(calls, 'views.open') as Array<{ trigger_id: string; view: { callback_id: string } }>;
  t.is(opened.trigger_id, 'tr1');
  t.regex(JSON.stringify(opened.view), /"initial_value":"@jack"/);
  t.deepEqual(argsOf(calls, 'requests.mayStart'), [], 'the modal checks who may send itself');
});

test('/feedback with a complete request asks for confirmation, naming the account it goes out as', async (t) => {
  const calls = await run(complete, { mayStart: { kind: 'ok', account } });
  const [answer] = argsOf(calls, 'ack') as Array<{ response_type: string; blocks: unknown[] }>;
  t.is(answer.response_type, 'ephemeral');
  t.regex(JSON.stringify(answer.blocks), /"action_id":"confirm_send".*"value":"C1"/);
  t.regex(JSON.stringify(answer.blocks), /Acme/);
  const [saved] = argsOf(calls, 'confirmations.save') as Array<{ user_id: string; draft: { to_user_id: string } }>;
  t.like(saved, { user_id: 'U1', draft: { to_user_id: '@jack' } });
  const [[agent]] = argsOf(calls, 'requests.mayStart') as Array<[{ teamId: string; agentId: string }]>;
  t.like(agent, { teamId: 'T1', agentId: 'U1' });
  t.deepEqual(argsOf(calls, 'views.open'), []);
});

test('/feedback with a complete request from someone not allowed to send says so and saves nothing', async (t) => {
  const calls = await run(complete, { mayStart: { kind: 'forbidden' } });
  t.deepEqual(argsOf(calls, 'ack'), [{ response_type: 'ephemeral', text: NOT_ALLOWED.text }]);
  t.deepEqual(argsOf(calls, 'confirmations.save'), []);
});

test('/feedback with a complete request where no account is connected says so and saves nothing', async (t) => {
  const calls = await run(complete, { mayStart: { kind: 'no_account' } });
  t.deepEqual(argsOf(calls, 'ack'), [{ response_type: 'ephemeral', text: NO_ACCOUNT.text }]);
  t.deepEqual(argsOf(calls, 'confirmations.save'), []);
});

test('/feedback naming a question its survey does not have says so, and opens nothing', async (t) => {
  for (const text of ['nps @jack q12 Hi there', 'nps q10', 'csat q38 @jack']) {
    const calls = await run(text, { mayStart: { kind: 'ok', account } });
    const [answer] = argsOf(calls, 'ack') as Array<{ response_type: string; text: string }>;
    t.is(answer.response_type, 'ephemeral', text);
    t.regex(answer.text, /questions are numbered 0 to (9|37)/, text);
    t.deepEqual(argsOf(calls, 'views.open'), [], text);
    t.deepEqual(argsOf(calls, 'confirmations.save'), [], text);
  }
  const calls = await run('nps @jack q9', { mayStart: { kind: 'ok', account } });
  t.is(argsOf(calls, 'views.open').length, 1, 'a question that exists opens the form');
});
