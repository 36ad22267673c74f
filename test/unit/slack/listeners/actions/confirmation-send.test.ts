import test from 'ava';
import type { Admission } from '../../../../../app/services/feedback-requests.js';
import type { Services } from '../../../../../app/slack/dependencies.js';
import { confirmationSend } from '../../../../../app/slack/listeners/actions/confirmation-send.js';
import { argsOf, fakeClient, fakeServices, logger, recording, sending, unknownResult, type Calls } from '../../../fakes.js';

type Args = Parameters<ReturnType<typeof confirmationSend>>[0];

const pending = { user_id: 'U1', draft: { type: 'csat', to_user_id: '@jack', message: 'Hi' } };

/** Send clicked on a confirmation, by `clicker`. */
async function click(admission: Admission | undefined, clicker = 'U1') {
  const calls: Calls = [];
  const services: Services = fakeServices(calls, { admit: admission, send: { result: unknownResult, resendId: 'S1' } });
  services.confirmations.load = async (teamId, id) => (teamId === 'T1' && id === 'C1' ? pending : undefined);
  const args = {
    ack: recording(calls, 'ack'),
    respond: recording(calls, 'respond'),
    body: { team: { id: 'T1' }, user: { id: clicker }, response_url: 'https://hooks.slack.com/actions/1' },
    action: { value: 'C1' },
    client: fakeClient(calls),
    logger,
  } as unknown as Args;
  await confirmationSend(services)(args);
  return calls;
}

type Said = { replace_original: boolean; text: string };

test('Send on someone else’s confirmation sends nothing and asks nothing', async (t) => {
  const calls = await click({ kind: 'ready', sending }, 'U2');
  t.deepEqual(argsOf(calls, 'requests.admit'), []);
  t.regex((argsOf(calls, 'respond') as Said[])[0].text, /expired, so nothing was sent/);
});

test('Send refused for good replaces the confirmation; refused for now keeps it for Edit or a later try', async (t) => {
  const [forbidden] = argsOf(await click({ kind: 'forbidden' }), 'respond') as Said[];
  t.true(forbidden.replace_original);
  const [invalid] = argsOf(await click({ kind: 'invalid', errors: { message: 'Too <long>.' } }), 'respond') as Said[];
  t.false(invalid.replace_original);
  t.is(invalid.text, 'Nothing was sent. To fix:\n• message: Too &lt;long&gt;.\nUse *Edit* to fix it.');
  const [limited] = argsOf(
    await click({ kind: 'refused', refusal: { rule: 'recipient_weekly', retryAt: new Date(0), message: 'Asked this week.' } }),
    'respond',
  ) as Said[];
  t.deepEqual(limited, { replace_original: false, text: 'Nothing was sent. Asked this week.' });
});

test('Send let through replaces the confirmation, sends once as its key, and tells through its response_url', async (t) => {
  const calls = await click({ kind: 'ready', sending });
  const [[submission]] = argsOf(calls, 'requests.admit') as Array<[{ key: string; draft: unknown }]>;
  t.like(submission, { key: 'confirmation:C1', draft: pending.draft });
  t.deepEqual(argsOf(calls, 'respond'), [{ replace_original: true, text: ':hourglass_flowing_sand: Sending…' }]);
  t.deepEqual(argsOf(calls, 'requests.send'), [[sending, 'https://hooks.slack.com/actions/1', undefined]]);
});
