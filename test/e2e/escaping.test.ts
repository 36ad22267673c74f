import test from 'ava';
import type { CheckedDraft, FeedbackRequest } from '../../app/domain/feedback-request.js';
import type { SendResult } from '../../app/services/feedback-relay.js';
import { confirmationMessage } from '../../app/slack/user-interface/confirmation.js';
import { homeView } from '../../app/slack/user-interface/app-home.js';
import {
  messageView,
  outcomeBlocks,
  outcomeText,
  outcomeView,
  threadBlocks,
  threadText,
} from '../../app/slack/user-interface/send-outcome.js';
import { truncateMrkdwn } from '../../app/slack/user-interface/text.js';
import { SETTINGS_DEFAULTS } from '../../app/domain/workspace-settings.js';
import { openStore } from '../../app/store/store.js';
import { validateMessageBlocks, validateView } from '../simulators/block-kit.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { Harness } from '../support/harness.js';
import { messageButtonBody, messageShortcutBody, slashCommandBody } from '../support/slack-requests.js';

type Block = Record<string, any>;

/** What Twitter, a customer or an admin could put in a string the app shows. */
const HOSTILE = '<!channel> & <@U123> <https://evil.example|click> &amp; 👍';

/** Every mrkdwn text under `value`, with where it was found: message fallbacks are mrkdwn too. */
function mrkdwnTexts(value: unknown, at = ''): Array<[string, string]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => mrkdwnTexts(v, `${at}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  const fields = value as Block;
  const own: Array<[string, string]> = fields.type === 'mrkdwn' && typeof fields.text === 'string' ? [[at, fields.text]] : [];
  return [...own, ...Object.entries(fields).flatMap(([key, v]) => mrkdwnTexts(v, `${at}/${key}`))];
}

/** Anything foreign that would act as markup: a broadcast, a mention, a link, or a bare "&". */
function unescaped(text: string): string[] {
  const found: string[] = [];
  if (text.includes('<!')) found.push('<!');
  if (text.includes('<@U123')) found.push('<@U123');
  if (text.includes('<https://evil')) found.push('<https://evil');
  if (/&(?!(?:amp|lt|gt);)/.test(text)) found.push('bare &');
  return found;
}

function assertEscaped(t: import('ava').ExecutionContext, texts: Array<[string, string]>) {
  t.true(texts.length > 0);
  for (const [at, text] of texts) t.deepEqual(unescaped(text), [], `${at}: ${text}`);
}

const request: FeedbackRequest = {
  type: 'csat',
  to_user_id: HOSTILE,
  message: HOSTILE,
  privacy_url: 'https://acme.example/privacy',
  external_id: HOSTILE,
  question_variant_id: 0,
  display_name: HOSTILE,
  test: true,
};
const recipient = { id: '12345', label: HOSTILE };
const feedback = { id: HOSTILE, type: 'csat', test: true, dm_id: HOSTILE, from_user_id: '1', to_user_id: '12345' };
const RESULTS: SendResult[] = [
  { status: 'sent', request, recipient, question: HOSTILE, feedback },
  { status: 'not_sent', request, recipient, question: HOSTILE, explanation: { reason: HOSTILE, action: HOSTILE } },
  { status: 'unknown', request, recipient, question: HOSTILE, explanation: { reason: HOSTILE, action: HOSTILE } },
];

test('every Block Kit builder escapes hostile strings in its mrkdwn and its text fallback, and stays within limits', (t) => {
  for (const result of RESULTS) {
    const blocks = outcomeBlocks(result, 'send-1');
    t.deepEqual(validateMessageBlocks(blocks), []);
    t.deepEqual(validateView(outcomeView(result, 'send-1')), []);
    t.deepEqual(validateMessageBlocks(threadBlocks(result, DEFAULTS.userId)), []);
    assertEscaped(t, [
      ...mrkdwnTexts(blocks),
      ...mrkdwnTexts(outcomeView(result)),
      ...mrkdwnTexts(threadBlocks(result, DEFAULTS.userId)),
      ['outcomeText', outcomeText(result)],
      // The thread reply names the agent on purpose; nothing else in it is a mention.
      ['threadText', threadText(result, DEFAULTS.userId).replace(`<@${DEFAULTS.userId}>`, '')],
    ]);
  }

  const draft: CheckedDraft = { ...request, recipient: { kind: 'handle', screen_name: HOSTILE } };
  const confirmation = confirmationMessage(draft, HOSTILE, 'confirmation-1');
  t.deepEqual(validateMessageBlocks(confirmation.blocks), []);
  assertEscaped(t, [...mrkdwnTexts(confirmation.blocks), ['text', confirmation.text]]);

  const notice = messageView('Not sent', `Nothing was sent. ${HOSTILE}`);
  t.deepEqual(validateView(notice), []);
  assertEscaped(t, mrkdwnTexts(notice));

  const home = homeView({
    isAdmin: true,
    maySend: true,
    recent: [
      {
        createdAt: '2024-05-01T10:00:00Z',
        type: request.type,
        test: request.test,
        customer: recipient.label,
        ticket: request.external_id,
        status: 'sent',
      },
    ],
    accounts: [{ id: '1', screenName: HOSTILE, name: HOSTILE, needsReconnect: true, mayDisconnect: true }],
    settings: {
      ...SETTINGS_DEFAULTS,
      privacy_url: HOSTILE,
      display_name: HOSTILE,
      allowlist: [HOSTILE],
      message: HOSTILE.repeat(500),
      ticket_pattern: HOSTILE,
    },
  });
  t.deepEqual(validateView(home), []);
  assertEscaped(t, mrkdwnTexts(home));
});

test('mrkdwn is cut after escaping, never inside an escaped character, a mention or an emoji', (t) => {
  t.is(truncateMrkdwn('&amp;'.repeat(10), 12), '&amp;&amp;…');
  t.is(truncateMrkdwn(`ab<@U0AGENT>${'x'.repeat(10)}`, 8), 'ab…');
  t.is(truncateMrkdwn('a👍👍', 3), 'a…');
  t.is(truncateMrkdwn('short &lt;', 20), 'short &lt;');
  for (let max = 2; max < 40; max++) {
    const cut = truncateMrkdwn(`x${'&lt;👍'.repeat(10)}`, max);
    t.true(cut.length <= max);
    t.regex(cut, /^x(?:&lt;|👍)*…$/u, String(max));
  }
});

/** Twitter's answer to feedback/create, its message written to do harm in Slack. */
function twitterRefuses(harness: Harness, path = '/1.1/feedback/create.json') {
  harness.twitter.failNext({ path, status: 400, errors: [{ code: 399, message: HOSTILE }] });
}

function assertShownEscaped(t: import('ava').ExecutionContext, args: Block) {
  const said = JSON.stringify(args);
  t.true(said.includes('&lt;!channel&gt; &amp; &lt;@U123&gt;'), said);
  t.false(said.includes('<!'), said);
  t.false(said.includes('<@U123'), said);
  t.false(said.includes('<https://evil'), said);
}

test("Twitter's error text reaches the outcome modal and the thread reply escaped", async (t) => {
  const harness = await Harness.start();
  try {
    const { view } = await harness.open((triggerId) =>
      messageShortcutBody({
        message: { ts: '1700000000.000100', text: 'Ticket #5555 from @jack' },
        responseUrl: harness.slack.responseUrl(),
        triggerId,
      }),
    );
    twitterRefuses(harness);
    await harness.submit(view, { message: 'How did we do?' });
    const modal = await harness.slack.waitForCall(
      'views.update',
      (c) => c.args.view_id === view.id && (c.args.view as Block).callback_id === 'feedback_outcome',
    );
    t.true(modal.response.ok, JSON.stringify(modal.response));
    assertShownEscaped(t, modal.args);
    const reply = await harness.slack.waitForCall('chat.postMessage');
    t.is(reply.args.thread_ts, '1700000000.000100');
    t.true(reply.response.ok, JSON.stringify(reply.response));
    assertShownEscaped(t, reply.args);
  } finally {
    await harness.close();
  }
});

test("Twitter's error text reaches a command's response_url messages escaped, the outcome and a failed lookup alike", async (t) => {
  const harness = await Harness.start();
  try {
    for (const path of ['/1.1/feedback/create.json', '/1.1/users/show.json']) {
      const responseUrl = harness.slack.responseUrl();
      const answer = (await harness.post(slashCommandBody({ text: 'csat @jack Thanks for reaching out!', responseUrl })))
        .json as Block;
      const since = harness.slack.calls.length;
      twitterRefuses(harness, path);
      await harness.post(messageButtonBody({ blocks: answer.blocks, actionId: 'confirm_send', responseUrl }));
      const told = await harness.slack.waitForCall(
        'response_url',
        (c) => c.seq >= since && c.url === responseUrl && JSON.stringify(c.args).includes('U123'),
      );
      t.true(told.response.ok, JSON.stringify(told.response));
      assertShownEscaped(t, told.args);
    }
  } finally {
    await harness.close();
  }
});

test('a confirmation of a long message full of "&" is cut after escaping and Slack takes it', async (t) => {
  const harness = await Harness.start();
  try {
    // Slack sends a command's "&" as "&amp;"; the message the agent typed is 2,900 "&".
    const text = `csat @jack ${'&amp;'.repeat(2900)}`;
    const answer = (await harness.post(slashCommandBody({ text, responseUrl: harness.slack.responseUrl() }))).json as Block;
    t.deepEqual(validateMessageBlocks(answer.blocks), []);
    const shown = (answer.blocks as Block[]).find((b) => b.block_id === 'message')!.text.text as string;
    t.regex(shown, /^\*Direct Message:\* (?:&amp;)+…$/);
  } finally {
    await harness.close();
  }
});

test('App Home shows a long default message full of "&" cut after escaping', async (t) => {
  const harness = await Harness.start();
  try {
    const ADMIN = 'U0ADMIN001';
    harness.slack.addUser({ id: ADMIN, teamId: DEFAULTS.teamId, isAdmin: true, realName: 'Ada Admin' });
    const store = await openStore(harness.config.store);
    await store.records('settings').set({ teamId: DEFAULTS.teamId }, 'settings', { message: '&'.repeat(10_000) });
    await store.close();
    const home: SimulatedView = await harness.home(ADMIN);
    const shown = (home.blocks.find((b) => b.block_id === 'default_message') as Block).text.text as string;
    t.regex(shown, /^\*Default message\*\n(?:&amp;)+…$/);
  } finally {
    await harness.close();
  }
});
