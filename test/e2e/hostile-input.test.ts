import test from 'ava';
import fc from 'fast-check';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkDraft } from '../../app/domain/feedback-request.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { CUSTOMERS, Harness, SECRETS } from '../support/harness.js';
import { openStore } from '../../app/store/store.js';
import { blockActionsBody, messageShortcutBody, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';

const nasty = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202Eevil',
    '👍🏽'.repeat(30),
    'مرحبا',
    '<!channel>',
    '@jack',
    '12345',
    '\uD83D',
    'x'.repeat(20_000),
  ),
);
const stateValue = fc.oneof(
  fc.record({ type: fc.constant('plain_text_input'), value: fc.option(nasty) }),
  fc.record({ type: fc.constant('static_select'), selected_option: fc.option(fc.record({ value: nasty })) }),
  fc.record({
    type: fc.constant('radio_buttons'),
    selected_option: fc.option(fc.record({ value: fc.oneof(nasty, fc.constantFrom('csat', 'nps', 'CSAT')) })),
  }),
  fc.record({ type: fc.constant('checkboxes'), selected_options: fc.array(fc.record({ value: nasty }), { maxLength: 3 }) }),
  fc.anything(),
);
const blockIds = fc.constantFrom(
  'type',
  'to_user_id',
  'message',
  'privacy_url',
  'question_variant_id',
  'external_id',
  'display_name',
  'test',
  'send_as',
  'nope',
);
const values = fc.dictionary(
  blockIds,
  fc.oneof(fc.dictionary(fc.string({ maxLength: 30 }), stateValue, { maxKeys: 2 }), fc.anything()),
  { maxKeys: 9 },
);
const metadata = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 100 }),
  fc.constant(JSON.stringify({ team_id: 'T0OTHER', business_name: 'x' })),
  fc.constant(
    JSON.stringify({ team_id: DEFAULTS.teamId, business_name: 'x', response_url: 'https://evil.example/hook', accounts: [{}] }),
  ),
  fc.json(),
);

let harness: Harness;
test.before(async () => {
  harness = await Harness.start();
});
test.after.always(async () => {
  await harness?.close();
});

test.serial('any view_submission, however hostile, is answered and never relays an invalid request', async (t) => {
  const { view } = await harness.command();
  const sent = () => harness.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json');
  await fc.assert(
    fc.asyncProperty(values, metadata, async (state, privateMetadata) => {
      const payload = {
        type: 'view_submission',
        team: { id: DEFAULTS.teamId, domain: DEFAULTS.teamDomain },
        user: { id: DEFAULTS.userId },
        view: { ...view, private_metadata: privateMetadata, state: { values: state } },
      };
      const before = sent().length;
      const answer = await harness.post(new URLSearchParams({ payload: JSON.stringify(payload) }));
      t.is(answer.status, 200, answer.text);
      for (const request of sent().slice(before)) {
        const checked = checkDraft({ ...request.form, test: request.form.test === 'true' });
        t.true(checked.ok, JSON.stringify(request.form));
      }
    }),
    { numRuns: 60 },
  );
});

test.serial('a response_url on any host but Slack’s is never fetched, even from a form that otherwise sends', async (t) => {
  const hits: string[] = [];
  const trap = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  trap.listen(0, '127.0.0.1');
  await once(trap, 'listening');
  const own = await Harness.start();
  try {
    const { view } = await own.command();
    const hook = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/hooks/T0SIMTEAM1/B0/x`;
    const forged = { ...view, private_metadata: JSON.stringify({ ...JSON.parse(view.private_metadata), response_url: hook }) };
    const answer = await own.post(viewSubmissionBody(forged, { values: { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' } }));
    t.is(
      (answer.json as { response_action?: string } | undefined)?.response_action,
      'update',
      'the form itself is valid and sends',
    );
    await own.stopApp();
    t.is(own.twitter.feedback.length, 1);
    t.deepEqual(hits, []);
  } finally {
    await own.close();
    trap.closeAllConnections();
    trap.close();
  }
});

test.serial('any message a shortcut is used on opens a valid modal', async (t) => {
  const text = fc.oneof(nasty, fc.constantFrom('ticket #5555 from @jack', '<https://x.com/jack|@jack> case 00012345'));
  const block = fc.oneof(
    fc.record({ type: fc.constant('section'), text: fc.record({ type: fc.constant('mrkdwn'), text }) }),
    fc.record({ type: fc.constant('rich_text'), elements: fc.array(fc.anything(), { maxLength: 3 }) }),
    fc.anything(),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.option(text),
      fc.option(fc.array(block, { maxLength: 4 })),
      fc.option(fc.anything()),
      async (msgText, blocks, meta) => {
        const since = harness.slack.calls.length;
        const message = {
          ts: '1700000000.000100',
          ...(msgText !== null ? { text: msgText } : {}),
          ...(blocks ? { blocks } : {}),
          ...(meta ? { metadata: meta } : {}),
        };
        const answer = await harness.post(
          messageShortcutBody({ message, responseUrl: harness.slack.responseUrl(), triggerId: harness.slack.issueTriggerId() }),
        );
        t.is(answer.status, 200);
        const opened = await harness.slack.waitForCall('views.open', (c) => c.seq >= since);
        t.true(opened.response.ok, JSON.stringify(opened.response));
        t.is((opened.response.view as SimulatedView).callback_id, 'feedback');
      },
    ),
    { numRuns: 40 },
  );
});

/** A view_submission of `view` whose state is null, or missing altogether. */
function stateless(view: SimulatedView, userId: string, state: null | undefined): URLSearchParams {
  const body = viewSubmissionBody(view, { userId });
  const payload = JSON.parse(body.get('payload')!);
  if (state === null) payload.view.state = null;
  else delete payload.view.state;
  body.set('payload', JSON.stringify(payload));
  return body;
}

test.serial('a submitted form without state is answered with field errors and changes nothing', async (t) => {
  const admin = 'U0ADMIN001';
  harness.slack.addUser({ id: admin, teamId: DEFAULTS.teamId, isAdmin: true });
  const { view: feedback } = await harness.command();
  const home = await harness.home(admin);
  const since = harness.slack.calls.length;
  await harness.post(
    blockActionsBody(home, {
      blockId: 'settings_actions',
      actionId: 'home_edit_settings',
      userId: admin,
      triggerId: harness.slack.issueTriggerId(),
    }),
  );
  const settings = (await harness.slack.waitForCall('views.open', (c) => c.seq >= since)).response.view as SimulatedView;
  t.is(settings.callback_id, 'settings');
  const stored = async () => {
    const store = await openStore(harness.config.store);
    try {
      return await store.records('settings').get({ teamId: DEFAULTS.teamId }, 'settings');
    } finally {
      await store.close();
    }
  };
  const before = await stored();
  const sent = harness.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length;

  for (const state of [null, undefined]) {
    for (const [view, userId] of [
      [feedback, DEFAULTS.userId],
      [settings, admin],
    ] as const) {
      const answer = await harness.post(stateless(view, userId, state));
      t.is(answer.status, 200, `${view.callback_id}, state ${state}: ${answer.text}`);
      t.is((answer.json as { response_action?: string })?.response_action, 'errors', `${view.callback_id}, state ${state}`);
    }
  }
  t.deepEqual(await stored(), before);
  t.is(harness.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, sent);
});

test.serial('Slack signatures: wrong, stale, missing headers and oversized bodies never reach a handler', async (t) => {
  const body = slashCommandBody({ responseUrl: harness.slack.responseUrl(), triggerId: harness.slack.issueTriggerId() });
  const opens = () => harness.slack.callsTo('views.open').length;
  const before = opens();
  const now = Math.floor(Date.now() / 1000);
  const refusals = await Promise.all([
    harness.post(body, { signature: 'v0=' + 'a'.repeat(64) }),
    harness.post(body, { signature: 'v1=abc' }),
    harness.post(body, { timestamp: now - 301 }),
    harness.post(body, { timestamp: null }),
    harness.post(body, { signature: null }),
    harness.post(body, { headers: { 'x-slack-signature': '' } }),
  ]);
  for (const refused of refusals) t.is(refused.status, 401);
  const huge = new URLSearchParams(body);
  huge.set('text', 'x'.repeat(5 * 1024 * 1024));
  const oversized = await harness.post(huge);
  t.true(oversized.status >= 400 && oversized.status < 500, String(oversized.status));
  t.is(opens(), before);
  t.false(JSON.stringify(refusals.map((r) => r.text)).includes(SECRETS.signingSecret));
});
