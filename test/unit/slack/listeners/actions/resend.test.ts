import test from 'ava';
import type { Resending } from '../../../../../app/services/feedback-requests.js';
import { resend } from '../../../../../app/slack/listeners/actions/resend.js';
import { argsOf, fakeClient, fakeServices, logger, recording, sending, unknownResult, type Calls } from '../../../fakes.js';

type Args = Parameters<ReturnType<typeof resend>>[0];

/** Send again clicked on an outcome in a modal (`viewId`) or in a message. */
async function click(answer: Resending, viewId?: string) {
  const calls: Calls = [];
  const args = {
    ack: recording(calls, 'ack'),
    respond: recording(calls, 'respond'),
    body: {
      team: { id: 'T1' },
      user: { id: 'U1' },
      response_url: 'https://hooks.slack.com/actions/1',
      ...(viewId ? { view: { id: viewId } } : {}),
    },
    action: { value: 'S1' },
    client: fakeClient(calls),
    logger,
  } as unknown as Args;
  await resend(fakeServices(calls, { sendAgain: answer, send: { result: unknownResult, resendId: 'S2' } }))(args);
  return calls;
}

test('Send again asks for the record clicked, as the agent who clicked, after acking', async (t) => {
  const calls = await click({ kind: 'duplicate' });
  t.is(calls[0].method, 'ack');
  const [[agent, recordId]] = argsOf(calls, 'requests.sendAgain') as Array<[{ teamId: string; agentId: string }, string]>;
  t.like(agent, { teamId: 'T1', agentId: 'U1' });
  t.is(recordId, 'S1');
  t.deepEqual(argsOf(calls, 'respond'), [], 'a second click says nothing more');
  t.deepEqual(argsOf(calls, 'views.update'), []);
});

test('Send again on a record that is not the agent’s, or already known, says so where it was clicked', async (t) => {
  const inModal = await click({ kind: 'not_again' }, 'V1');
  t.regex(JSON.stringify(argsOf(inModal, 'views.update')), /cannot be sent again/);
  const inMessage = await click({ kind: 'not_again' });
  const [said] = argsOf(inMessage, 'respond') as Array<{ replace_original: boolean; text: string }>;
  t.false(said.replace_original);
  t.regex(said.text, /cannot be sent again/);
  t.deepEqual([...argsOf(inModal, 'requests.send'), ...argsOf(inMessage, 'requests.send')], []);
});

test('Send again refused for a limit says why, escaped, and sends nothing', async (t) => {
  const calls = await click({
    kind: 'refused',
    refusal: { rule: 'account_paused', retryAt: new Date(0), message: 'Paused <until> 10:00.' },
  });
  const [said] = argsOf(calls, 'respond') as Array<{ text: string }>;
  t.is(said.text, 'Nothing was sent. Paused &lt;until&gt; 10:00.');
  t.deepEqual(argsOf(calls, 'requests.send'), []);
});

test('Send again from someone no longer allowed says so in the modal', async (t) => {
  const calls = await click({ kind: 'forbidden' }, 'V1');
  t.regex(JSON.stringify(argsOf(calls, 'views.update')), /Nothing was sent: sending feedback requests is limited/);
  t.deepEqual(argsOf(calls, 'requests.send'), []);
});

test('Send again let through sends once and shows the outcome in the modal it was clicked in', async (t) => {
  const calls = await click({ kind: 'ready', sending }, 'V1');
  t.deepEqual(argsOf(calls, 'requests.send'), [[sending, undefined, undefined]], 'a modal has no response_url to keep');
  const [update] = argsOf(calls, 'views.update') as Array<{ view_id: string; view: unknown }>;
  t.is(update.view_id, 'V1');
  t.regex(JSON.stringify(update.view), /"value":"S2"/);
});

test('Send again let through from a message tells the outcome through its response_url', async (t) => {
  const calls = await click({ kind: 'ready', sending });
  t.deepEqual(argsOf(calls, 'requests.send'), [[sending, 'https://hooks.slack.com/actions/1', undefined]]);
  const [told] = argsOf(calls, 'services.respond') as Array<{
    responseUrl: string;
    options: { replace: boolean; resendId: string };
  }>;
  t.is(told.responseUrl, 'https://hooks.slack.com/actions/1');
  t.like(told.options, { replace: true, resendId: 'S2' });
});

test('Send again whose request no longer passes the checks points to a new form; a customer’s limit does not', async (t) => {
  const [invalid] = argsOf(await click({ kind: 'invalid', errors: { to_user_id: 'No such user.' } }), 'respond') as Array<{
    text: string;
  }>;
  t.is(invalid.text, 'Nothing was sent. To fix:\n• to_user_id: No such user.\nOpen a new form with `/feedback` to fix it.');
  const [limited] = argsOf(
    await click({ kind: 'refused', refusal: { rule: 'recipient_daily', retryAt: new Date(0), message: 'Asked today.' } }),
    'respond',
  ) as Array<{ text: string }>;
  t.is(limited.text, 'Nothing was sent. Asked today.');
});
