import test, { type ExecutionContext } from 'ava';
import { questionText } from '../../app/domain/variants.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { BUSINESS, CUSTOMERS, Harness, PRIVACY_URL } from '../support/harness.js';
import { globalShortcutBody, messageButtonBody, messageShortcutBody, slashCommandBody } from '../support/slack-requests.js';

type Block = Record<string, any>;

const h = (t: ExecutionContext) => t.context as Harness;
test.beforeEach(async (t) => {
  t.context = await Harness.start();
});
test.afterEach.always(async (t) => {
  await h(t).close();
});

function initial(view: SimulatedView, blockId: string): string | undefined {
  const block = view.blocks.find((b) => b.block_id === blockId) as Block;
  return block.element.initial_value ?? block.element.initial_option?.value;
}

function hint(view: SimulatedView, blockId: string): string | undefined {
  return (view.blocks.find((b) => b.block_id === blockId) as Block).hint?.text;
}

async function shortcutOn(harness: Harness, message: Block & { ts: string }) {
  const responseUrl = harness.slack.responseUrl();
  const { view } = await harness.open((triggerId) => messageShortcutBody({ message, responseUrl, triggerId }));
  return { view, responseUrl };
}

async function sendFrom(harness: Harness, view: SimulatedView, values: Record<string, string> = {}) {
  await harness.submit(view, { message: 'How did we do?', ...values });
  return harness.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === view.id && (c.args.view as Block).callback_id === 'feedback_outcome',
  );
}

test('message shortcut on a thread parent: prefilled from the text, outcome replied in the thread', async (t) => {
  const harness = h(t);
  const { view } = await shortcutOn(harness, {
    ts: '1700000000.000100',
    user: 'U0CUSTOMER',
    text: 'New DM from @jack: my order never arrived. Ticket #5555',
  });
  t.is(initial(view, 'to_user_id'), '@jack');
  t.is(initial(view, 'external_id'), 'ticket_5555');
  await sendFrom(harness, view);
  const [created] = harness.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json');
  t.is(created.form.external_id, 'ticket_5555');
  t.is(created.form.to_user_id, CUSTOMERS.jack.id_str);
  const reply = await harness.slack.waitForCall('chat.postMessage');
  t.is(reply.args.channel, DEFAULTS.channelId);
  t.is(reply.args.thread_ts, '1700000000.000100', 'a parent message gets the reply under itself');
  const said = JSON.stringify(reply.args);
  t.true(said.includes(harness.twitter.feedback[0].id));
  t.true(said.includes(`<@${DEFAULTS.userId}>`));
  t.regex(said, /CSAT feedback request \(question 0\) to @jack/);
  t.notRegex(said, /score/i);
});

test('message shortcut on a bot reply inside a thread: blocks read, reply goes to the parent thread', async (t) => {
  const harness = h(t);
  const { view } = await shortcutOn(harness, {
    ts: '1700000000.000300',
    thread_ts: '1700000000.000200',
    bot_id: 'B0ZENDESK',
    text: 'Ticket updated',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Ticket solved' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '<https://acme.zendesk.com/agent/tickets/777|Ticket 777> was solved by Dana.' },
        fields: [{ type: 'mrkdwn', text: '*Requester:* <https://x.com/jack|@jack>' }],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Replied as @${BUSINESS.screen_name}` }] },
    ],
  });
  t.is(initial(view, 'to_user_id'), '@jack', 'the business’s own handle is never the customer');
  t.is(initial(view, 'external_id'), 'ticket_777');
  await sendFrom(harness, view);
  const reply = await harness.slack.waitForCall('chat.postMessage');
  t.is(reply.args.thread_ts, '1700000000.000200');
});

test('message metadata from a ticketing bot wins, and a 64-bit id in it stays exact', async (t) => {
  const harness = h(t);
  const { view } = await shortcutOn(harness, {
    ts: '1700000000.000400',
    text: 'Conversation with @someone_else assigned to you (#1234)',
    metadata: { event_type: 'ticket_created', event_payload: { ticket_id: 5555, twitter_user_id: CUSTOMERS.bigId.id_str } },
  });
  t.is(initial(view, 'to_user_id'), CUSTOMERS.bigId.id_str);
  t.is(initial(view, 'external_id'), 'ticket_5555');
});

test('what a message does not name stays empty, with a hint, and the thread becomes the reference', async (t) => {
  const harness = h(t);
  const { view } = await shortcutOn(harness, { ts: '1700000000.000500', text: 'Customer is happy now, closing.' });
  t.is(initial(view, 'to_user_id'), undefined);
  t.truthy(hint(view, 'to_user_id'));
  t.is(initial(view, 'external_id'), `slack:${DEFAULTS.teamId}/${DEFAULTS.channelId}/1700000000.000500`);
  t.regex(hint(view, 'external_id') ?? '', /thread/);
});

test('when the app is not in the channel, the agent is told privately how to add it, with the outcome', async (t) => {
  const harness = h(t);
  harness.slack.setMember(DEFAULTS.channelId, DEFAULTS.botUserId, false);
  const { view, responseUrl } = await shortcutOn(harness, { ts: '1700000000.000600', text: 'Thanks @jack! ticket 42' });
  await sendFrom(harness, view);
  const told = await harness.slack.waitForCall('response_url', (c) => c.url === responseUrl);
  const said = JSON.stringify(told.args);
  t.is(told.args.response_type, 'ephemeral');
  t.regex(said, /not a member/);
  t.regex(said, /Add apps/);
  t.true(said.includes(harness.twitter.feedback[0].id));
});

test('/feedback help answers with usage, privately', async (t) => {
  const harness = h(t);
  const response = await harness.post(slashCommandBody({ text: 'help', responseUrl: harness.slack.responseUrl() }));
  const answer = response.json as Block;
  t.is(answer.response_type, 'ephemeral');
  t.regex(answer.text, /\/feedback csat @jack/);
  t.is(harness.slack.callsTo('views.open').length, 0);
});

test('/feedback with unknown words answers with what was wrong and the usage', async (t) => {
  const harness = h(t);
  const response = await harness.post(slashCommandBody({ text: 'frobnicate', responseUrl: harness.slack.responseUrl() }));
  const answer = response.json as Block;
  t.is(answer.response_type, 'ephemeral');
  t.regex(answer.text, /frobnicate/);
  t.regex(answer.text, /Examples/);
});

test('/feedback nps @jack opens the modal prefilled', async (t) => {
  const { view } = await h(t).command('nps @jack');
  t.is(initial(view, 'type'), 'nps');
  t.is(initial(view, 'to_user_id'), '@jack');
});

test('/feedback csat 12345 ticket 5555 opens the modal prefilled', async (t) => {
  const { view } = await h(t).command('csat 12345 ticket 5555');
  t.is(initial(view, 'type'), 'csat');
  t.is(initial(view, 'to_user_id'), '12345');
  t.is(initial(view, 'external_id'), 'ticket_5555');
  t.is(initial(view, 'privacy_url'), PRIVACY_URL);
});

test('/feedback nps q9 with a message confirms NPS question 9 and sends it', async (t) => {
  const harness = h(t);
  const responseUrl = harness.slack.responseUrl();
  const response = await harness.post(slashCommandBody({ text: 'nps @jack q9 Thanks for reaching out!', responseUrl }));
  const answer = response.json as Block;
  t.regex(
    JSON.stringify(answer.blocks),
    new RegExp(`Question 9: How likely are you to recommend your experience with ${BUSINESS.name} to a friend\\?`),
  );
  await harness.post(messageButtonBody({ blocks: answer.blocks, actionId: 'confirm_send', responseUrl }));
  const [created] = await harness.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
  t.like(created.form, { type: 'nps', question_variant_id: '9' });
  await harness.slack.waitForCall('response_url', (c) => c.url === responseUrl && JSON.stringify(c.args).includes('feedback id'));
  t.like(harness.twitter.feedback, [{ type: 'nps', question_variant_id: '9' }], 'Twitter took it');
});

test('/feedback without a type opens the form on CSAT, and a question number picks a CSAT question', async (t) => {
  const { view } = await h(t).command('@jack q20');
  t.is(initial(view, 'type'), 'csat');
  t.is(initial(view, 'question_variant_id'), '20');
});

async function confirmation(harness: Harness) {
  const responseUrl = harness.slack.responseUrl();
  const response = await harness.post(slashCommandBody({ text: 'csat @jack Thanks for reaching out!', responseUrl }));
  return { answer: response.json as Block, responseUrl };
}

test('/feedback with a message asks to confirm, and Send relays exactly once', async (t) => {
  const harness = h(t);
  const { answer, responseUrl } = await confirmation(harness);
  t.is(answer.response_type, 'ephemeral');
  t.true(JSON.stringify(answer.blocks).includes(questionText('csat', 0, BUSINESS.name)));
  t.is(harness.twitter.requests.length, 0, 'nothing is sent before the click');
  const click = messageButtonBody({ blocks: answer.blocks, actionId: 'confirm_send', responseUrl });
  await Promise.all([harness.post(click), harness.post(click)]);
  const done = await harness.slack.waitForCall(
    'response_url',
    (c) => c.url === responseUrl && JSON.stringify(c.args).includes('feedback id'),
  );
  t.true(done.args.replace_original, 'the confirmation gives way to the outcome');
  t.is(harness.twitter.feedback.length, 1);
  const [created] = harness.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json');
  t.is(created.form.message, 'Thanks for reaching out!');
  t.is(created.form.privacy_url, PRIVACY_URL);
});

test('Edit on the confirmation opens the modal with what was typed', async (t) => {
  const harness = h(t);
  const { answer, responseUrl } = await confirmation(harness);
  const { view } = await harness.open((triggerId) =>
    messageButtonBody({ blocks: answer.blocks, actionId: 'confirm_edit', responseUrl, triggerId }),
  );
  t.is(initial(view, 'to_user_id'), '@jack');
  t.is(initial(view, 'message'), 'Thanks for reaching out!');
  t.is(harness.twitter.requests.length, 0);
});

test('the global shortcut opens the same modal, and the outcome shows in it', async (t) => {
  const harness = h(t);
  const { view } = await harness.open((triggerId) => globalShortcutBody({ triggerId }));
  t.is(view.callback_id, 'feedback');
  const outcome = await sendFrom(harness, view, { to_user_id: CUSTOMERS.jack.id_str });
  t.true(JSON.stringify(outcome.args.view).includes(harness.twitter.feedback[0].id));
  t.is(harness.slack.callsTo('chat.postMessage').length, 0);
});
