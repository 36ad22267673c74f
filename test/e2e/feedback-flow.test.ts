import test from 'ava';
import { questionText } from '../../app/domain/variants.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { BUSINESS, CUSTOMERS, Harness, PRIVACY_URL, SECRETS } from '../support/harness.js';
import { slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';

type Block = Record<string, any>;

function block(view: SimulatedView, blockId: string): Block {
  const found = view.blocks.find((b) => b.block_id === blockId);
  if (!found) throw new Error(`no block ${blockId}`);
  return found;
}

function variantValues(view: SimulatedView): string[] {
  return block(view, 'question_variant_id').element.options.map((o: Block) => o.value);
}

function preview(view: SimulatedView): string {
  return block(view, 'preview').text.text;
}

function allText(value: unknown): string {
  return JSON.stringify(value);
}

/** The outcome the agent sees in the modal once the relay is done. */
async function outcome(h: Harness, viewId: string): Promise<string> {
  const call = await h.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === viewId && (c.args.view as Block).callback_id === 'feedback_outcome',
  );
  return allText(call.args.view);
}

const complete = {
  to_user_id: '@jack',
  message: 'Thanks for chatting with Acme today!',
  external_id: 'ticket_5555',
  display_name: 'Acme',
};

test.beforeEach(async (t) => {
  t.context = await Harness.start();
});

test.afterEach.always(async (t) => {
  await (t.context as Harness).close();
});

function harness(t: { context: unknown }): Harness {
  return t.context as Harness;
}

test('/feedback is acknowledged and opens a modal asking for every parameter', async (t) => {
  const h = harness(t);
  const { response, view } = await h.command();
  t.is(response.status, 200);
  const inputs = view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
  t.deepEqual([...inputs].sort(), [
    'display_name',
    'external_id',
    'message',
    'privacy_url',
    'question_variant_id',
    'test',
    'to_user_id',
    'type',
  ]);
  t.is(block(view, 'type').element.initial_option.value, 'csat');
  t.deepEqual(
    variantValues(view),
    Array.from({ length: 38 }, (_, i) => String(i)),
  );
  t.is(block(view, 'privacy_url').element.initial_value, PRIVACY_URL, 'prefilled from DEFAULT_PRIVACY_URL');
  t.is(preview(view), questionText('csat', 0, BUSINESS.name), 'the business name fills an empty display name');
  t.is(block(view, 'test').element.type, 'checkboxes');
});

test('switching the type offers exactly that type’s questions and keeps what was typed', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  const typed = { to_user_id: '@jack', message: 'Hello there', external_id: 'case 77' };
  const nps = await h.change(view, 'type', 'nps', typed);
  t.deepEqual(
    variantValues(nps),
    Array.from({ length: 10 }, (_, i) => String(i)),
  );
  t.is(preview(nps), `How likely are you to recommend ${BUSINESS.name} to a friend?`);
  t.is(block(nps, 'to_user_id').element.initial_value, '@jack');
  t.is(block(nps, 'message').element.initial_value, 'Hello there');
  t.is(block(nps, 'external_id').element.initial_value, 'case 77');
  const update = h.slack.callsTo('views.update')[0];
  t.is(update.args.hash, view.hash, 'the update names the hash it was based on');

  const csat = await h.change(nps, 'type', 'csat', typed);
  t.is(variantValues(csat).length, 38);
});

test('a question picked for one type survives a switch only if the other type has it', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  const picked = await h.change(view, 'question_variant_id', '20');
  t.is(preview(picked), questionText('csat', 20, BUSINESS.name));
  const nps = await h.change(picked, 'type', 'nps', { question_variant_id: '20' });
  t.is(block(nps, 'question_variant_id').element.initial_option.value, '0');
  const three = await h.change(nps, 'question_variant_id', '3');
  const back = await h.change(three, 'type', 'csat', { question_variant_id: '3' });
  t.is(block(back, 'question_variant_id').element.initial_option.value, '3');
});

test('the preview follows the display name as it is typed', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  const named = await h.change(view, 'display_name', 'Acme Care');
  t.is(preview(named), questionText('csat', 0, 'Acme Care'));
  t.true(block(named, 'question_variant_id').element.options[1].text.text.includes('Acme Care'));
});

test('an invalid submission gets errors on the right fields and sends nothing', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  const response = await h.submit(view, {
    to_user_id: 'not a user!',
    message: null,
    privacy_url: 'acme.example/privacy',
  });
  t.is(response.status, 200);
  const answer = response.json as { response_action: string; errors: Record<string, string> };
  t.is(answer.response_action, 'errors');
  t.deepEqual(Object.keys(answer.errors).sort(), ['message', 'privacy_url', 'to_user_id']);
  t.is(h.twitter.requests.length, 0, 'Twitter was not called');
});

test('a valid submission is relayed once, signed, with exactly the right parameters', async (t) => {
  const h = harness(t);
  const { view, responseUrl } = await h.command();
  const nps = await h.change(view, 'type', 'nps');
  const response = await h.submit(nps, { ...complete, question_variant_id: '3', test: ['true'] });
  t.is(response.status, 200);
  t.is((response.json as Block).response_action, 'update', 'acknowledged at once with a sending view');

  const [created] = await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
  t.true(created.verified, 'the OAuth 1.0a signature checks out');
  t.is(created.method, 'POST');
  t.is(created.oauth.oauth_consumer_key, SECRETS.consumerKey);
  t.is(created.oauth.oauth_token, SECRETS.accessToken);
  t.is(created.oauth.oauth_signature_method, 'HMAC-SHA1');
  t.deepEqual(created.form, {
    type: 'nps',
    to_user_id: CUSTOMERS.jack.id_str,
    message: complete.message,
    privacy_url: PRIVACY_URL,
    question_variant_id: '3',
    external_id: 'ticket_5555',
    display_name: 'Acme',
    test: 'true',
  });

  const feedback = h.twitter.feedback[0];
  const shown = await outcome(h, view.id);
  t.true(shown.includes(feedback.id));
  t.true(shown.includes(feedback.dm_id));
  t.true(shown.includes(questionText('nps', 3, 'Acme')));
  const told = await h.slack.waitForCall('response_url', (c) => c.url === responseUrl);
  t.is(told.args.response_type, 'ephemeral');
  t.true(allText(told.args).includes(feedback.id));
  t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 1);
});

test('the NPS list offers ten questions, none worded as CSAT, and the last one, 9, is previewed and sent', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  const nps = await h.change(view, 'type', 'nps');
  const labels: string[] = block(nps, 'question_variant_id').element.options.map((o: Block) => o.text.text);
  t.is(labels.length, 10);
  for (const label of labels) t.regex(label, /^\d · (How likely|Would you)/, label);
  t.false(
    labels.some((label) => /satisf|rate/i.test(label)),
    'no CSAT wording in the NPS list',
  );

  const ninth = await h.change(nps, 'question_variant_id', '9');
  const named = await h.change(ninth, 'display_name', 'Acme', { question_variant_id: '9' });
  t.is(preview(named), 'How likely are you to recommend your experience with Acme to a friend?');
  const response = await h.submit(named, { ...complete, question_variant_id: '9' });
  t.is((response.json as Block).response_action, 'update');
  const [created] = await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
  t.like(created.form, { type: 'nps', question_variant_id: '9', display_name: 'Acme' });
  const shown = await outcome(h, view.id);
  t.like(h.twitter.feedback, [{ type: 'nps', question_variant_id: '9' }], 'Twitter took it');
  t.true(shown.includes(h.twitter.feedback[0].id));
  t.true(shown.includes('How likely are you to recommend your experience with Acme to a friend?'));
});

test('a 64-bit recipient id reaches Twitter digit for digit', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  await h.submit(view, { ...complete, to_user_id: CUSTOMERS.bigId.id_str });
  const [created] = await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
  t.is(created.form.to_user_id, '1234567890123456789');
  t.false(
    h.twitter.requests.some((r) => r.path === '/1.1/users/show.json'),
    'an id needs no lookup',
  );
});

test('an unknown handle comes back on to_user_id and nothing is sent', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  const response = await h.submit(view, { ...complete, to_user_id: '@nobody_here' });
  const answer = response.json as { response_action: string; errors: Record<string, string> };
  t.is(answer.response_action, 'errors');
  t.regex(answer.errors.to_user_id, /@nobody_here/);
  t.false(h.twitter.requests.some((r) => r.path === '/1.1/feedback/create.json'));
});

test('a Twitter refusal is explained in plain words, without raw JSON or secrets', async (t) => {
  const h = harness(t);
  const { view, responseUrl } = await h.command();
  // The customer closed their DMs between the check and the send.
  h.twitter.failNext({
    path: '/1.1/feedback/create.json',
    status: 403,
    errors: [{ code: 349, message: 'You cannot send messages to this user.' }],
  });
  await h.submit(view, complete);
  const shown = await outcome(h, view.id);
  t.regex(shown, /does not accept Direct Messages/);
  t.regex(shown, /follow the business or open their DMs/);
  t.false(shown.includes('{\\"errors'));
  const told = await h.slack.waitForCall('response_url', (c) => c.url === responseUrl);
  t.regex(allText(told.args), /Not sent/);
  for (const secret of [SECRETS.consumerSecret, SECRETS.accessToken, SECRETS.accessTokenSecret]) {
    t.false(allText(h.slack.calls).includes(secret));
  }
});

test('expired business tokens tell the agent to have the account reconnected', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  h.twitter.revokeToken(SECRETS.accessToken);
  await h.submit(view, { ...complete, to_user_id: CUSTOMERS.jack.id_str });
  const shown = await outcome(h, view.id);
  t.regex(shown, /reconnect the Twitter account/);
});

test('Twitter over capacity is tried again with backoff, then said as such', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  h.twitter.failNext({
    path: '/1.1/feedback/create.json',
    status: 503,
    errors: [{ code: 130, message: 'Over capacity' }],
    times: 3,
  });
  await h.submit(view, { ...complete, to_user_id: CUSTOMERS.jack.id_str });
  const shown = await outcome(h, view.id);
  t.regex(shown, /over capacity/);
  t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 3, 'one try and two retries');
  t.is(h.twitter.feedback.length, 0);
});

test('the same submission delivered twice is sent once', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  const body = viewSubmissionBody(view, { values: { ...complete, to_user_id: CUSTOMERS.jack.id_str } });
  const answers = await Promise.all([
    h.post(body),
    h.post(body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
  ]);
  t.deepEqual(
    answers.map((a) => a.status),
    [200, 200],
  );
  t.regex(await outcome(h, view.id), /Sent/);
  t.is(h.twitter.feedback.length, 1);
});

test('the same submission delivered twice is sent once, even to a customer the workspace may ask any number of times', async (t) => {
  const h = harness(t);
  const store = await openStore(h.config.store);
  await store.records('settings').set({ teamId: DEFAULTS.teamId }, 'settings', { allowlist: [CUSTOMERS.jack.id_str] });
  await store.close();
  const { view } = await h.command();
  const body = viewSubmissionBody(view, { values: { ...complete, to_user_id: CUSTOMERS.jack.id_str } });
  await Promise.all([
    h.post(body),
    h.post(body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
  ]);
  await h.post(body, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } });
  await h.stopApp();
  t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 1);
});

test('Slack requests with a wrong or stale signature are refused with 401', async (t) => {
  const h = harness(t);
  const body = slashCommandBody({ responseUrl: h.slack.responseUrl(), triggerId: h.slack.issueTriggerId() });
  const wrong = await h.post(body, { signature: 'v0=' + '0'.repeat(64) });
  t.is(wrong.status, 401);
  const stale = await h.post(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
  t.is(stale.status, 401);
  const unsigned = await h.post(body, { signature: null });
  t.is(unsigned.status, 401);
  t.is(h.slack.callsTo('views.open').length, 0);
});

test('a form whose metadata names another workspace is not acted on', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  const forged = { ...view, private_metadata: view.private_metadata.replace(/"team_id":"[^"]+"/, '"team_id":"T0OTHER"') };
  const response = await h.post(viewSubmissionBody(forged, { values: { ...complete, to_user_id: CUSTOMERS.jack.id_str } }));
  t.is((response.json as Block).response_action, 'update');
  t.regex(allText(response.json), /nothing was sent/);
  t.is(h.twitter.requests.length, 0);
});

test('without a connected account the command explains how to set one up', async (t) => {
  const bare = await Harness.start({ tokens: 'none' });
  try {
    const { view } = await bare.command();
    t.is(view.submit, null, 'nothing to submit');
    t.regex(allText(view.blocks), /No Twitter account is connected/);
  } finally {
    await bare.close();
  }
});

test('tokens from the environment work, and the preview uses the name Twitter gives', async (t) => {
  const envOnly = await Harness.start({ tokens: 'env' });
  try {
    const { view } = await envOnly.command();
    t.is(preview(view), questionText('csat', 0, BUSINESS.name));
    await envOnly.submit(view, { ...complete, display_name: null, to_user_id: CUSTOMERS.jack.id_str });
    t.regex(await outcome(envOnly, view.id), /Sent/);
    const [created] = envOnly.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json');
    t.true(created.verified);
    t.false('display_name' in created.form);
  } finally {
    await envOnly.close();
  }
});

test('a customer already asked this week is refused on to_user_id, saying when it becomes possible', async (t) => {
  const h = harness(t);
  const first = await h.command();
  await h.submit(first.view, { ...complete, to_user_id: '@jack' });
  t.regex(await outcome(h, first.view.id), /Sent/);
  const second = await h.command();
  const response = await h.submit(second.view, { ...complete, to_user_id: CUSTOMERS.jack.id_str });
  const answer = response.json as { response_action: string; errors: Record<string, string> };
  t.is(answer.response_action, 'errors');
  t.regex(answer.errors.to_user_id, /already asked/);
  t.regex(answer.errors.to_user_id, /Next possible/);
  t.is(h.twitter.feedback.length, 1);
});

test('a form refused for a customer already asked sends once the agent names another customer in it', async (t) => {
  const h = harness(t);
  const first = await h.command();
  await h.submit(first.view, { ...complete, to_user_id: CUSTOMERS.jack.id_str });
  t.regex(await outcome(h, first.view.id), /Sent/);
  const second = await h.command();
  const refused = await h.submit(second.view, { ...complete, to_user_id: CUSTOMERS.jack.id_str });
  t.regex((refused.json as { errors: Record<string, string> }).errors.to_user_id, /already asked/);
  const fixed = await h.submit(second.view, { ...complete, to_user_id: CUSTOMERS.bigId.id_str });
  t.is((fixed.json as Block | undefined)?.response_action, 'update', 'the form shows it is sending');
  t.regex(await outcome(h, second.view.id), /Sent/);
  const sent = h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json');
  t.deepEqual(
    sent.map((r) => r.form.to_user_id),
    [CUSTOMERS.jack.id_str, CUSTOMERS.bigId.id_str],
  );
});

test('after Twitter rate-limits the account, sends stop until its reset time', async (t) => {
  const h = harness(t);
  const reset = Math.floor(Date.now() / 1000) + 600;
  h.twitter.failNext({
    path: '/1.1/feedback/create.json',
    status: 429,
    errors: [{ code: 88, message: 'Rate limit exceeded' }],
    headers: { 'x-rate-limit-limit': '1000', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
  });
  const first = await h.command();
  await h.submit(first.view, { ...complete, to_user_id: CUSTOMERS.jack.id_str });
  t.regex(await outcome(h, first.view.id), /rate limit/);
  const second = await h.command();
  const response = await h.submit(second.view, { ...complete, to_user_id: CUSTOMERS.bigId.id_str });
  t.is((response.json as Block).response_action, 'update');
  // Shown to the minute, rounded up so that retrying at the time shown works.
  const until = new Date(Math.ceil((reset * 1000) / 60_000) * 60_000).toISOString().slice(11, 16);
  t.regex(allText(response.json), new RegExp(`pause.*Next possible: .*${until} UTC`));
  t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 1);
});

test('with Twitter’s clock an hour ahead, a handle is looked up and the request sent in one submission', async (t) => {
  const h = harness(t);
  h.twitter.setClockSkew(3600);
  const { view } = await h.command();
  const response = await h.submit(view, complete);
  t.is((response.json as Block).response_action, 'update', allText(response.json));
  t.regex(await outcome(h, view.id), /Sent/);
  t.is(h.twitter.feedback[0].to_user_id, CUSTOMERS.jack.id_str);
  t.is(
    h.twitter.requests.filter((r) => r.path === '/1.1/users/show.json').length,
    2,
    'refused once for the clock, then answered',
  );
});

for (const [title, refusal, said] of [
  [
    'revoked tokens (code 89)',
    { status: 401, errors: [{ code: 89, message: 'Invalid or expired token.' }] },
    /reconnect the Twitter account/,
  ],
  [
    'wrong tokens (code 32)',
    { status: 401, errors: [{ code: 32, message: 'Could not authenticate you.' }] },
    /reconnect the Twitter account/,
  ],
  [
    'Twitter’s rate limit (429)',
    { status: 429, errors: [{ code: 88, message: 'Rate limit exceeded' }] },
    /rate limit.*numeric user id/,
  ],
] as const) {
  test(`a lookup refused for ${title} says the lookup failed and why, not that there is no such user`, async (t) => {
    const h = harness(t);
    h.twitter.failNext({ path: '/1.1/users/show.json', ...refusal, errors: [...refusal.errors] });
    const { view } = await h.command();
    const response = await h.submit(view, complete);
    const answer = response.json as { response_action: string; errors: Record<string, string> };
    t.is(answer.response_action, 'errors');
    t.regex(answer.errors.to_user_id, /^Could not look up @jack: /);
    t.regex(answer.errors.to_user_id, said);
    t.notRegex(answer.errors.to_user_id, /no active user|no user with/i);
    t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 0);
  });
}

test('a card Twitter created is due to be asked for its answer, and a refused one is not', async (t) => {
  const h = harness(t);
  const { view } = await h.command();
  await h.submit(view, complete);
  t.regex(await outcome(h, view.id), /Sent/);
  const refused = await h.command();
  h.twitter.failNext({
    path: '/1.1/feedback/create.json',
    status: 403,
    errors: [{ code: 349, message: 'You cannot send messages to this user.' }],
  });
  await h.submit(refused.view, { ...complete, to_user_id: CUSTOMERS.bigId.id_str });
  t.notRegex(await outcome(h, refused.view.id), /Sent/);
  await h.stopApp();
  const store = await openStore(h.config.store);
  try {
    // Each member is [team, account, feedback id, sent at, step].
    const due = (await store.members('answers-due')).map((member) => JSON.parse(member) as [string, string, string]);
    t.deepEqual(
      due.map(([teamId, accountId, feedbackId]) => ({ teamId, accountId, feedbackId })),
      h.twitter.feedback.map((card) => ({ teamId: DEFAULTS.teamId, accountId: BUSINESS.id_str, feedbackId: card.id })),
    );
    t.is(due.length, 1);
  } finally {
    await store.close();
  }
});
