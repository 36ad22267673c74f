import test, { type ExecutionContext } from 'ava';
import { isValidSlackRequest } from '@slack/bolt';
import { LogLevel, WebClient, type Logger, type WebClientOptions } from '@slack/web-api';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateMessageBlocks, validateView } from './block-kit.js';
import { DEFAULTS, SlackSimulator, TRIGGER_LIFETIME_MS, type SimulatedView, type SlackSimulatorOptions } from './slack.js';
import {
  blockActionsBody,
  postToApp,
  signRequest,
  slashCommandBody,
  stateFor,
  viewSubmissionBody,
} from '../support/slack-requests.js';

type Json = Record<string, unknown>;

const plain = (text: string) => ({ type: 'plain_text', text });
const option = (text: string, value = 'v') => ({ text: plain(text), value });
const options = (count: number) => Array.from({ length: count }, (_, i) => option(`Option ${i}`, `value-${i}`));
const modal = (blocks: unknown[], extra: Json = {}) => ({
  type: 'modal',
  title: plain('Feedback'),
  submit: plain('Send'),
  blocks,
  ...extra,
});
const input = (element: Json, extra: Json = {}) => ({
  type: 'input',
  block_id: 'field',
  label: plain('Field'),
  element,
  ...extra,
});
const select = (extra: Json = {}) => ({ type: 'static_select', action_id: 'pick', options: options(2), ...extra });
const textInput = (extra: Json = {}) => ({ type: 'plain_text_input', action_id: 'text', ...extra });
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (extra: Json = {}) => ({ type: 'button', action_id: 'go', text: plain('Go'), ...extra });
const actions = (elements: unknown[]) => ({ type: 'actions', block_id: 'buttons', elements });

/** The problems besides Slack's "failed to match all allowed schemas" summary line. */
function problems(messages: string[]): string[] {
  return messages.filter((m) => !m.includes('failed to match all allowed schemas'));
}

// ---------------------------------------------------------------------------------------
// Block Kit validation, each limit on both sides of its boundary.

const boundary = test.macro({
  exec(t, check: (size: number) => string[], max: number, message: string) {
    t.deepEqual(check(max), [], `${max} must pass`);
    t.deepEqual(problems(check(max + 1)), [message], `${max + 1} must fail`);
  },
  title: (given = '') => `Block Kit limit: ${given}`,
});

test(
  'select option text, 75 vs 76 characters',
  boundary,
  (n) => validateView(modal([input(select({ options: [option('x'.repeat(n))] }))])),
  75,
  '[ERROR] must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]',
);

test(
  'option text counts characters, not UTF-16 units',
  boundary,
  (n) => validateView(modal([input(select({ options: [option('😀'.repeat(n))] }))])),
  75,
  '[ERROR] must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]',
);

test(
  'select option value, 150 vs 151',
  boundary,
  (n) => validateView(modal([input(select({ options: [option('a', 'v'.repeat(n))] }))])),
  150,
  '[ERROR] must be less than 151 characters [json-pointer:/view/blocks/0/element/options/0/value]',
);

test(
  'select option description, 75 vs 76',
  boundary,
  (n) => validateView(modal([input(select({ options: [{ ...option('a'), description: plain('d'.repeat(n)) }] }))])),
  75,
  '[ERROR] must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/description/text]',
);

test(
  'select options, 100 vs 101',
  boundary,
  (n) => validateView(modal([input(select({ options: options(n) }))])),
  100,
  '[ERROR] no more than 100 items allowed [json-pointer:/view/blocks/0/element/options]',
);

test(
  'select placeholder, 150 vs 151',
  boundary,
  (n) => validateView(modal([input(select({ placeholder: plain('p'.repeat(n)) }))])),
  150,
  '[ERROR] must be less than 151 characters [json-pointer:/view/blocks/0/element/placeholder/text]',
);

test(
  'modal title, 24 vs 25',
  boundary,
  (n) => validateView(modal([], { title: plain('t'.repeat(n)) })),
  24,
  '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
);

test(
  'modal submit, 24 vs 25',
  boundary,
  (n) => validateView(modal([], { submit: plain('s'.repeat(n)) })),
  24,
  '[ERROR] must be less than 25 characters [json-pointer:/view/submit/text]',
);

test(
  'modal close, 24 vs 25',
  boundary,
  (n) => validateView(modal([], { close: plain('c'.repeat(n)) })),
  24,
  '[ERROR] must be less than 25 characters [json-pointer:/view/close/text]',
);

test(
  'modal blocks, 100 vs 101',
  boundary,
  (n) => validateView(modal(Array.from({ length: n }, () => ({ type: 'divider' })))),
  100,
  '[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]',
);

test(
  'home blocks, 100 vs 101',
  boundary,
  (n) => validateView({ type: 'home', blocks: Array.from({ length: n }, () => ({ type: 'divider' })) }),
  100,
  '[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]',
);

test(
  'message blocks, 50 vs 51',
  boundary,
  (n) => validateMessageBlocks(Array.from({ length: n }, () => ({ type: 'divider' }))),
  50,
  '[ERROR] no more than 50 items allowed [json-pointer:/blocks]',
);

test(
  'private_metadata, 3000 vs 3001',
  boundary,
  (n) => validateView(modal([], { private_metadata: 'm'.repeat(n) })),
  3000,
  '[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]',
);

test(
  'callback_id, 255 vs 256',
  boundary,
  (n) => validateView(modal([], { callback_id: 'c'.repeat(n) })),
  255,
  '[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]',
);

test(
  'external_id, 255 vs 256',
  boundary,
  (n) => validateView(modal([], { external_id: 'e'.repeat(n) })),
  255,
  '[ERROR] must be less than 256 characters [json-pointer:/view/external_id]',
);

test(
  'block_id, 255 vs 256',
  boundary,
  (n) => validateView(modal([{ type: 'divider', block_id: 'b'.repeat(n) }])),
  255,
  '[ERROR] must be less than 256 characters [json-pointer:/view/blocks/0/block_id]',
);

test(
  'action_id, 255 vs 256',
  boundary,
  (n) => validateView(modal([input(textInput({ action_id: 'a'.repeat(n) }))])),
  255,
  '[ERROR] must be less than 256 characters [json-pointer:/view/blocks/0/element/action_id]',
);

test(
  'section text, 3000 vs 3001',
  boundary,
  (n) => validateMessageBlocks([section('s'.repeat(n))]),
  3000,
  '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
);

test(
  'section fields, 10 vs 11',
  boundary,
  (n) => validateMessageBlocks([{ type: 'section', fields: Array.from({ length: n }, () => plain('f')) }]),
  10,
  '[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/fields]',
);

test(
  'section field text, 2000 vs 2001',
  boundary,
  (n) => validateMessageBlocks([{ type: 'section', fields: [plain('f'.repeat(n))] }]),
  2000,
  '[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
);

test(
  'context elements, 10 vs 11',
  boundary,
  (n) => validateMessageBlocks([{ type: 'context', elements: Array.from({ length: n }, () => ({ type: 'mrkdwn', text: 'c' })) }]),
  10,
  '[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/elements]',
);

test(
  'header text, 150 vs 151',
  boundary,
  (n) => validateMessageBlocks([{ type: 'header', text: plain('h'.repeat(n)) }]),
  150,
  '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]',
);

test(
  'input label, 2000 vs 2001',
  boundary,
  (n) => validateView(modal([input(textInput(), { label: plain('l'.repeat(n)) })])),
  2000,
  '[ERROR] must be less than 2001 characters [json-pointer:/view/blocks/0/label/text]',
);

test(
  'input hint, 2000 vs 2001',
  boundary,
  (n) => validateView(modal([input(textInput(), { hint: plain('h'.repeat(n)) })])),
  2000,
  '[ERROR] must be less than 2001 characters [json-pointer:/view/blocks/0/hint/text]',
);

test(
  'plain_text_input max_length, up to 3000',
  boundary,
  (n) => validateView(modal([input(textInput({ max_length: n }))])),
  3000,
  '[ERROR] must be less than 3001 [json-pointer:/view/blocks/0/element/max_length]',
);

test(
  'plain_text_input min_length, up to 3000',
  boundary,
  (n) => validateView(modal([input(textInput({ min_length: n }))])),
  3000,
  '[ERROR] must be less than 3001 [json-pointer:/view/blocks/0/element/min_length]',
);

test(
  'plain_text_input initial_value within max_length',
  boundary,
  (n) => validateView(modal([input(textInput({ max_length: 20, initial_value: 'i'.repeat(n) }))])),
  20,
  '[ERROR] must be less than 21 characters [json-pointer:/view/blocks/0/element/initial_value]',
);

test(
  'plain_text_input placeholder, 150 vs 151',
  boundary,
  (n) => validateView(modal([input(textInput({ placeholder: plain('p'.repeat(n)) }))])),
  150,
  '[ERROR] must be less than 151 characters [json-pointer:/view/blocks/0/element/placeholder/text]',
);

test(
  'checkboxes options, 10 vs 11',
  boundary,
  (n) => validateView(modal([input({ type: 'checkboxes', action_id: 'c', options: options(n) })])),
  10,
  '[ERROR] no more than 10 items allowed [json-pointer:/view/blocks/0/element/options]',
);

test(
  'radio_buttons options, 10 vs 11',
  boundary,
  (n) => validateView(modal([input({ type: 'radio_buttons', action_id: 'r', options: options(n) })])),
  10,
  '[ERROR] no more than 10 items allowed [json-pointer:/view/blocks/0/element/options]',
);

test(
  'button text, 75 vs 76',
  boundary,
  (n) => validateMessageBlocks([actions([button({ text: plain('b'.repeat(n)) })])]),
  75,
  '[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
);

test(
  'button value, 2000 vs 2001',
  boundary,
  (n) => validateMessageBlocks([actions([button({ value: 'v'.repeat(n) })])]),
  2000,
  '[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
);

test(
  'button url, 3000 vs 3001',
  boundary,
  (n) => validateMessageBlocks([actions([button({ url: 'https://x.example/' + 'u'.repeat(n - 18) })])]),
  3000,
  '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]',
);

test(
  'actions elements, 25 vs 26',
  boundary,
  (n) => validateMessageBlocks([actions(Array.from({ length: n }, (_, i) => button({ action_id: `b${i}` })))]),
  25,
  '[ERROR] no more than 25 items allowed [json-pointer:/blocks/0/elements]',
);

const refused = test.macro({
  exec(t, messages: string[], expected: string) {
    t.true(messages.length > 0, 'must be refused');
    t.deepEqual(problems(messages), [expected]);
  },
  title: (given = '') => `Block Kit refuses ${given}`,
});

test(
  'a duplicate block_id within a view',
  refused,
  validateView(
    modal([
      { type: 'divider', block_id: 'same' },
      { type: 'divider', block_id: 'same' },
    ]),
  ),
  '[ERROR] duplicate block_id "same" (also at /view/blocks/0) [json-pointer:/view/blocks/1/block_id]',
);

test(
  'a duplicate action_id within a block',
  refused,
  validateMessageBlocks([actions([button(), button()])]),
  '[ERROR] duplicate action_id "go" (also at /blocks/0/elements/0) [json-pointer:/blocks/0/elements/1/action_id]',
);

test(
  'an initial_option that is not one of the options',
  refused,
  validateView(modal([input(select({ initial_option: option('Other', 'value-0') }))])),
  '[ERROR] must exactly match one of the options [json-pointer:/view/blocks/0/element/initial_option]',
);

test(
  'initial_options of checkboxes that are not among the options',
  refused,
  validateView(
    modal([input({ type: 'checkboxes', action_id: 'c', options: options(3), initial_options: [option('Option 1', 'value-9')] })]),
  ),
  '[ERROR] must exactly match one of the options [json-pointer:/view/blocks/0/element/initial_options/0]',
);

test(
  'an initial_option of radio buttons that is not among the options',
  refused,
  validateView(
    modal([input({ type: 'radio_buttons', action_id: 'r', options: options(3), initial_option: option('Nope', 'nope') })]),
  ),
  '[ERROR] must exactly match one of the options [json-pointer:/view/blocks/0/element/initial_option]',
);

test(
  'mrkdwn in a select option',
  refused,
  validateView(modal([input(select({ options: [{ text: { type: 'mrkdwn', text: '*a*' }, value: 'a' }] }))])),
  '[ERROR] must be a valid enum value [json-pointer:/view/blocks/0/element/options/0/text/type]',
);

test(
  'an empty text',
  refused,
  validateMessageBlocks([section('')]),
  '[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]',
);

test(
  'a text object of an unknown type',
  refused,
  validateMessageBlocks([{ type: 'section', text: { type: 'markdown', text: 'x' } }]),
  '[ERROR] must be a valid enum value [json-pointer:/blocks/0/text/type]',
);

test(
  'an unknown block type',
  refused,
  validateMessageBlocks([{ type: 'carousel' }]),
  '[ERROR] unsupported type: carousel [json-pointer:/blocks/0/type]',
);

test(
  'an unknown element type',
  refused,
  validateView(modal([input({ type: 'fancy_input', action_id: 'x' })])),
  '[ERROR] unsupported type: fancy_input [json-pointer:/view/blocks/0/element/type]',
);

test(
  'a plain_text_input outside an input block',
  refused,
  validateMessageBlocks([actions([textInput()])]),
  '[ERROR] unsupported type: plain_text_input [json-pointer:/blocks/0/elements/0/type]',
);

test(
  'an input block without a label',
  refused,
  validateView(modal([{ type: 'input', element: textInput() }])),
  '[ERROR] missing required field: label [json-pointer:/view/blocks/0]',
);

test(
  'an input block without an element',
  refused,
  validateView(modal([{ type: 'input', label: plain('L') }])),
  '[ERROR] missing required field: element [json-pointer:/view/blocks/0]',
);

test(
  'a non-boolean optional',
  refused,
  validateView(modal([input(textInput(), { optional: 'yes' })])),
  '[ERROR] must provide a boolean [json-pointer:/view/blocks/0/optional]',
);

test(
  'a modal with inputs and no submit button',
  refused,
  validateView({ type: 'modal', title: plain('T'), blocks: [input(textInput())] }),
  '[ERROR] must define `submit` to use an `input` block in modals [json-pointer:/view/blocks/0/input]',
);

test(
  'a label given as mrkdwn',
  refused,
  validateView(modal([input(textInput(), { label: { type: 'mrkdwn', text: '*L*' } })])),
  '[ERROR] must be a valid enum value [json-pointer:/view/blocks/0/label/type]',
);

test(
  'a max_length of 0',
  refused,
  validateView(modal([input(textInput({ max_length: 0 }))])),
  '[ERROR] must be greater than 0 [json-pointer:/view/blocks/0/element/max_length]',
);

test(
  'an unknown dispatch trigger',
  refused,
  validateView(modal([input(textInput({ dispatch_action_config: { trigger_actions_on: ['on_blur'] } }))])),
  '[ERROR] must be a valid enum value [json-pointer:/view/blocks/0/element/dispatch_action_config/trigger_actions_on/0]',
);

test(
  'a button style other than primary or danger',
  refused,
  validateMessageBlocks([actions([button({ style: 'secondary' })])]),
  '[ERROR] must be a valid enum value [json-pointer:/blocks/0/elements/0/style]',
);

test(
  'a misspelt property',
  refused,
  validateView(modal([input(textInput({ initial_values: 'x' }))])),
  '[ERROR] invalid additional property: initial_values [json-pointer:/view/blocks/0/element]',
);

test(
  'a view type other than modal or home',
  refused,
  validateView({ type: 'dialog', blocks: [] }),
  '[ERROR] must be a valid enum value [json-pointer:/view/type]',
);

test('Block Kit takes a complete form: every kind of block and element', (t) => {
  const view = modal(
    [
      { type: 'header', text: plain('Ask for feedback') },
      { type: 'section', text: { type: 'mrkdwn', text: '*Customer*' }, accessory: button({ style: 'primary', value: 'x' }) },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: 'Sent as a DM' },
          { type: 'image', image_url: 'https://x.example/i.png', alt_text: 'logo' },
        ],
      },
      { type: 'divider' },
      input(select({ initial_option: option('Option 1', 'value-1'), placeholder: plain('Pick') }), {
        block_id: 'type',
        dispatch_action: true,
      }),
      input(
        textInput({
          multiline: true,
          min_length: 1,
          max_length: 1000,
          initial_value: 'Hi',
          dispatch_action_config: { trigger_actions_on: ['on_character_entered'] },
        }),
        { block_id: 'message', hint: plain('Shown first'), optional: false },
      ),
      input(
        {
          type: 'checkboxes',
          action_id: 'test',
          options: [
            {
              text: { type: 'mrkdwn', text: '*Test*' },
              value: 'test',
              description: { type: 'mrkdwn', text: '_kept out of reports_' },
            },
          ],
          initial_options: [
            {
              text: { type: 'mrkdwn', text: '*Test*' },
              value: 'test',
              description: { type: 'mrkdwn', text: '_kept out of reports_' },
            },
          ],
        },
        { block_id: 'flags', optional: true },
      ),
      input(
        { type: 'radio_buttons', action_id: 'variant', options: options(3), initial_option: option('Option 2', 'value-2') },
        { block_id: 'variant' },
      ),
      input(
        { type: 'static_select', action_id: 'grouped', option_groups: [{ label: plain('CSAT'), options: options(2) }] },
        { block_id: 'grouped' },
      ),
      actions([
        button({ action_id: 'a' }),
        button({
          action_id: 'b',
          style: 'danger',
          confirm: { title: plain('Sure?'), text: plain('Really'), confirm: plain('Yes'), deny: plain('No') },
        }),
      ]),
    ],
    { close: plain('Cancel'), private_metadata: '{"channel":"C1"}', callback_id: 'feedback', clear_on_close: true },
  );
  t.deepEqual(validateView(view), []);
});

// ---------------------------------------------------------------------------------------
// The Web API simulator, driven through @slack/web-api as the app drives it.

/** Trigger ids keep Slack's 3 seconds only where a test checks them: elsewhere a busy machine needs room. */
async function simulator(t: ExecutionContext, options?: SlackSimulatorOptions): Promise<SlackSimulator> {
  const sim = await SlackSimulator.start({ triggerLifetimeMs: 60_000, ...options });
  t.teardown(() => sim.close());
  return sim;
}

// The refusals these tests provoke on purpose would otherwise be logged as errors.
const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** A client as the app has one; a null token sends none. */
function client(sim: SlackSimulator, token: string | null = DEFAULTS.botToken, extra: WebClientOptions = {}): WebClient {
  return new WebClient(token ?? undefined, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logger: quiet, ...extra });
}

interface SlackRefusal {
  error: string;
  errors?: string[];
  response_metadata?: { messages?: string[] };
}

async function refusal(t: ExecutionContext, call: Promise<unknown>): Promise<SlackRefusal> {
  const error = await t.throwsAsync(call);
  return (error as unknown as { data: SlackRefusal }).data;
}

const clock = () => {
  const state = { now: 1_700_000_000_000 };
  return { state, now: () => state.now };
};

test("auth.test answers for the token's workspace; wrong or missing tokens are refused", async (t) => {
  const sim = await simulator(t);
  const auth = await client(sim).auth.test();
  t.is(auth.team_id, DEFAULTS.teamId);
  t.is(auth.user_id, DEFAULTS.botUserId);
  t.is((await refusal(t, client(sim, 'xoxb-wrong').auth.test())).error, 'invalid_auth');
  t.is((await refusal(t, client(sim, null).auth.test())).error, 'not_authed');
  t.deepEqual(
    sim.calls.map((c) => [c.method, c.team]),
    [
      ['auth.test', DEFAULTS.teamId],
      ['auth.test', undefined],
      ['auth.test', undefined],
    ],
  );
});

test('views.open returns the view as Slack does and records the call with its view parsed', async (t) => {
  const sim = await simulator(t);
  const trigger_id = sim.issueTriggerId();
  const result = await client(sim).views.open({
    trigger_id,
    view: modal([input(textInput(), { block_id: 'message' }), section('no id')], {
      callback_id: 'feedback',
      private_metadata: 'meta',
    }) as never,
  });
  const view = result.view as unknown as SimulatedView;
  t.regex(view.id, /^V[A-Z0-9]+$/);
  t.regex(view.hash, /^\d+\.[0-9a-f]+$/);
  t.is(view.team_id, DEFAULTS.teamId);
  t.is(view.callback_id, 'feedback');
  t.is(view.private_metadata, 'meta');
  t.deepEqual(view.state, { values: {} });
  t.is(view.root_view_id, view.id);
  t.is(view.previous_view_id, null);
  t.deepEqual(view.title, { type: 'plain_text', text: 'Feedback', emoji: true });
  t.is(view.blocks[0].block_id, 'message');
  t.is(typeof view.blocks[1].block_id, 'string', 'Slack names blocks the app left unnamed');
  const call = await sim.waitForCall('views.open');
  t.is(call.team, DEFAULTS.teamId);
  t.is((call.args.view as Json).callback_id, 'feedback');
  t.false('token' in call.args);
});

test('the simulator also takes JSON bodies', async (t) => {
  const sim = await simulator(t);
  const response = await fetch(`${sim.apiUrl}views.open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${DEFAULTS.botToken}` },
    body: JSON.stringify({ trigger_id: sim.issueTriggerId(), view: modal([section('hi')]) }),
  });
  t.is(response.status, 200);
  const body = (await response.json()) as Json;
  t.true(body.ok);
});

test('a trigger id is refused when unknown, used twice, expired, or from another workspace', async (t) => {
  const time = clock();
  const sim = await simulator(t, {
    now: time.now,
    triggerLifetimeMs: TRIGGER_LIFETIME_MS,
    workspaces: [
      { teamId: 'T1', botToken: 'xoxb-one', botUserId: 'UB1' },
      { teamId: 'T2', botToken: 'xoxb-two', botUserId: 'UB2' },
    ],
  });
  const one = client(sim, 'xoxb-one');
  const view = modal([section('hi')]) as never;
  t.is((await refusal(t, one.views.open({ trigger_id: '1.2.3', view }))).error, 'invalid_trigger_id');

  const used = sim.issueTriggerId({ teamId: 'T1' });
  await one.views.open({ trigger_id: used, view });
  t.is((await refusal(t, one.views.open({ trigger_id: used, view }))).error, 'exchanged_trigger_id');

  const lastMoment = sim.issueTriggerId({ teamId: 'T1' });
  time.state.now += TRIGGER_LIFETIME_MS;
  await t.notThrowsAsync(one.views.open({ trigger_id: lastMoment, view }));
  const late = sim.issueTriggerId({ teamId: 'T1' });
  time.state.now += TRIGGER_LIFETIME_MS + 1;
  t.is((await refusal(t, one.views.open({ trigger_id: late, view }))).error, 'expired_trigger_id');

  const otherTeam = sim.issueTriggerId({ teamId: 'T2' });
  t.is((await refusal(t, one.views.open({ trigger_id: otherTeam, view }))).error, 'invalid_trigger_id');
  await t.notThrowsAsync(client(sim, 'xoxb-two').views.open({ trigger_id: otherTeam, view }));
});

test("views.open refuses an invalid view with Slack's messages", async (t) => {
  const sim = await simulator(t);
  const view = modal([input(select({ options: [option('x'.repeat(76))] }))]) as never;
  const data = await refusal(t, client(sim).views.open({ trigger_id: sim.issueTriggerId(), view }));
  t.is(data.error, 'invalid_arguments');
  t.deepEqual(data.response_metadata?.messages, [
    '[ERROR] failed to match all allowed schemas [json-pointer:/view]',
    '[ERROR] must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]',
  ]);
});

test('views.update checks the hash, finds views by id or external_id, and issues a new hash', async (t) => {
  const sim = await simulator(t);
  const web = client(sim);
  const opened = (
    await web.views.open({ trigger_id: sim.issueTriggerId(), view: modal([section('one')], { external_id: 'case-1' }) as never })
  ).view as unknown as SimulatedView;

  const updated = (await web.views.update({ view_id: opened.id, hash: opened.hash, view: modal([section('two')]) as never }))
    .view as unknown as SimulatedView;
  t.is(updated.id, opened.id);
  t.not(updated.hash, opened.hash);
  t.is((sim.view(opened.id)!.blocks[0].text as Json).text, 'two', 'the simulator keeps the updated view');

  t.is(
    (await refusal(t, web.views.update({ view_id: opened.id, hash: opened.hash, view: modal([section('stale')]) as never })))
      .error,
    'hash_conflict',
  );
  t.is((await refusal(t, web.views.update({ view_id: 'VNOSUCHVIEW', view: modal([section('x')]) as never }))).error, 'not_found');
  t.is(
    (await refusal(t, web.views.update({ external_id: 'no-such-case', view: modal([section('x')]) as never }))).error,
    'not_found',
  );

  const second = sim.issueTriggerId();
  const byExternal = await web.views.open({
    trigger_id: second,
    view: modal([section('three')], { external_id: 'case-2' }) as never,
  });
  const viaExternal = (
    await web.views.update({ external_id: 'case-2', view: modal([section('four')], { external_id: 'case-2' }) as never })
  ).view as unknown as SimulatedView;
  t.is(viaExternal.id, (byExternal.view as unknown as SimulatedView).id);

  const invalid = await refusal(
    t,
    web.views.update({ view_id: opened.id, view: modal([], { title: plain('t'.repeat(25)) }) as never }),
  );
  t.is(invalid.error, 'invalid_arguments');
});

test('views.push stacks onto the view the trigger came from, at most three deep', async (t) => {
  const sim = await simulator(t);
  const web = client(sim);
  let view = (await web.views.open({ trigger_id: sim.issueTriggerId(), view: modal([section('root')]) as never }))
    .view as unknown as SimulatedView;
  const root = view.id;
  for (let depth = 2; depth <= 3; depth++) {
    const pushed = (
      await web.views.push({
        trigger_id: sim.issueTriggerId({ viewId: view.id }),
        view: modal([section(`level ${depth}`)]) as never,
      })
    ).view as unknown as SimulatedView;
    t.is(pushed.root_view_id, root);
    t.is(pushed.previous_view_id, view.id);
    view = pushed;
  }
  const data = await refusal(
    t,
    web.views.push({ trigger_id: sim.issueTriggerId({ viewId: view.id }), view: modal([section('too deep')]) as never }),
  );
  t.is(data.error, 'push_limit_reached');
});

test('views.publish takes Home views only, per user, with the hash check', async (t) => {
  const sim = await simulator(t);
  const web = client(sim);
  const home = { type: 'home', blocks: [section('Welcome')] } as never;
  const first = (await web.views.publish({ user_id: DEFAULTS.userId, view: home })).view as unknown as SimulatedView;
  t.is(first.type, 'home');
  const second = (await web.views.publish({ user_id: DEFAULTS.userId, view: home, hash: first.hash }))
    .view as unknown as SimulatedView;
  t.is(second.id, first.id);
  t.is((await refusal(t, web.views.publish({ user_id: DEFAULTS.userId, view: home, hash: first.hash }))).error, 'hash_conflict');
  t.is(
    (await refusal(t, web.views.publish({ user_id: DEFAULTS.userId, view: modal([section('x')]) as never }))).error,
    'invalid_arguments',
  );
  t.is((await refusal(t, web.views.publish({ user_id: 'UNOBODY', view: home }))).error, 'user_not_found');
});

const channels: SlackSimulatorOptions = {
  users: [
    { id: 'UAGENT', teamId: DEFAULTS.teamId, name: 'agent' },
    { id: 'UADMIN', teamId: DEFAULTS.teamId, name: 'boss', isAdmin: true, isOwner: true },
  ],
  workspaces: [{ teamId: DEFAULTS.teamId, botToken: DEFAULTS.botToken, botUserId: DEFAULTS.botUserId }],
  channels: [
    { id: 'CPUBLIC', teamId: DEFAULTS.teamId, kind: 'public', members: ['UAGENT'] },
    { id: 'GPRIVATE', teamId: DEFAULTS.teamId, kind: 'private', members: ['UAGENT'] },
    { id: 'CWITHBOT', teamId: DEFAULTS.teamId, kind: 'public', members: ['UAGENT', DEFAULTS.botUserId] },
  ],
};

test('chat.postMessage needs the bot in the channel and records thread_ts', async (t) => {
  const sim = await simulator(t, channels);
  const web = client(sim);
  t.is((await refusal(t, web.chat.postMessage({ channel: 'CPUBLIC', text: 'hi' }))).error, 'not_in_channel');
  t.is((await refusal(t, web.chat.postMessage({ channel: 'GPRIVATE', text: 'hi' }))).error, 'channel_not_found');
  t.is((await refusal(t, web.chat.postMessage({ channel: 'CNOWHERE', text: 'hi' }))).error, 'channel_not_found');

  sim.setMember('CPUBLIC', DEFAULTS.botUserId, true);
  const first = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'hi' });
  const reply = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'in thread', thread_ts: first.ts! });
  t.regex(first.ts!, /^\d+\.\d{6}$/);
  t.true(reply.ts! > first.ts!);
  t.is((await sim.waitForCall('chat.postMessage', (c) => c.args.thread_ts !== undefined)).args.thread_ts, first.ts);

  const dm = await web.chat.postMessage({ channel: 'UAGENT', text: 'to you' });
  t.regex(dm.channel!, /^D/);
});

test("chat.update edits only the bot's own message where it was posted, checking its blocks", async (t) => {
  const sim = await simulator(t, channels);
  const web = client(sim);
  const posted = await web.chat.postMessage({ channel: 'CWITHBOT', text: 'first' });
  const edited = await web.chat.update({
    channel: 'CWITHBOT',
    ts: posted.ts!,
    text: 'second',
    blocks: [section('*second*')] as never,
  });
  t.is(edited.ts, posted.ts);
  t.like(sim.message('CWITHBOT', posted.ts!), { text: 'second', blocks: [{ type: 'section', text: { text: '*second*' } }] });
  t.is((await refusal(t, web.chat.update({ channel: 'CWITHBOT', ts: '1.000001', text: 'x' }))).error, 'message_not_found');
  t.is((await refusal(t, web.chat.update({ channel: 'CPUBLIC', ts: posted.ts!, text: 'x' }))).error, 'not_in_channel');
  const tooLong = await refusal(
    t,
    web.chat.update({ channel: 'CWITHBOT', ts: posted.ts!, text: 'x', blocks: [section('s'.repeat(3001))] as never }),
  );
  t.is(tooLong.error, 'invalid_blocks');
  t.is(sim.message('CWITHBOT', posted.ts!)?.text, 'second');
});

test('chat.getPermalink links a message of a channel the bot can see', async (t) => {
  const sim = await simulator(t, channels);
  const web = client(sim);
  const link = await web.chat.getPermalink({ channel: 'CPUBLIC', message_ts: '1700000000.000100' });
  t.is(link.permalink, `https://${DEFAULTS.teamId.toLowerCase()}.slack.com/archives/CPUBLIC/p1700000000000100`);
  t.is(
    (await refusal(t, web.chat.getPermalink({ channel: 'GPRIVATE', message_ts: '1700000000.000100' }))).error,
    'channel_not_found',
  );
  t.is((await refusal(t, web.chat.getPermalink({ channel: 'CPUBLIC', message_ts: 'x' }))).error, 'message_not_found');
});

test('chat.postMessage refuses invalid blocks with invalid_blocks', async (t) => {
  const sim = await simulator(t, channels);
  const data = await refusal(
    t,
    client(sim).chat.postMessage({ channel: 'CWITHBOT', text: 'x', blocks: [section('s'.repeat(3001))] as never }),
  );
  t.is(data.error, 'invalid_blocks');
  t.deepEqual(data.errors, ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]']);
  t.deepEqual(data.response_metadata?.messages, ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]']);
  t.is((await refusal(t, client(sim).chat.postMessage({ channel: 'CWITHBOT' } as never))).error, 'no_text');
});

test('chat.postEphemeral answers as Slack does for channels the bot or the user is not in', async (t) => {
  const sim = await simulator(t, channels);
  const web = client(sim);
  t.is((await refusal(t, web.chat.postEphemeral({ channel: 'CPUBLIC', user: 'UAGENT', text: 'hi' }))).error, 'not_in_channel');
  t.is(
    (await refusal(t, web.chat.postEphemeral({ channel: 'GPRIVATE', user: 'UAGENT', text: 'hi' }))).error,
    'channel_not_found',
  );
  t.is(
    (await refusal(t, web.chat.postEphemeral({ channel: 'CWITHBOT', user: 'UADMIN', text: 'hi' }))).error,
    'user_not_in_channel',
  );
  const sent = await web.chat.postEphemeral({
    channel: 'CWITHBOT',
    user: 'UAGENT',
    text: 'hi',
    blocks: [section('hello')] as never,
  });
  t.regex(sent.message_ts!, /^\d+\.\d{6}$/);
  const data = await refusal(
    t,
    web.chat.postEphemeral({ channel: 'CWITHBOT', user: 'UAGENT', text: 'x', blocks: [{ type: 'bogus' }] as never }),
  );
  t.is(data.error, 'invalid_blocks');
});

test('users.info and conversations.info answer from what was registered', async (t) => {
  const sim = await simulator(t, channels);
  const web = client(sim);
  const admin = await web.users.info({ user: 'UADMIN' });
  t.true(admin.user?.is_admin);
  t.true(admin.user?.is_owner);
  t.false((await web.users.info({ user: 'UAGENT' })).user?.is_admin);
  t.is((await refusal(t, web.users.info({ user: 'UOTHER' }))).error, 'user_not_found');
  t.false((await web.conversations.info({ channel: 'CPUBLIC' })).channel?.is_member);
  t.true((await web.conversations.info({ channel: 'CWITHBOT' })).channel?.is_member);
  t.is((await refusal(t, web.conversations.info({ channel: 'GPRIVATE' }))).error, 'channel_not_found');
});

test('failNext fails one call, then the method works again; 429 comes with Retry-After', async (t) => {
  const sim = await simulator(t, channels);
  const web = client(sim, DEFAULTS.botToken, { rejectRateLimitedCalls: true });
  sim.failNext('chat.postMessage', 'not_in_channel');
  t.is((await refusal(t, web.chat.postMessage({ channel: 'CWITHBOT', text: 'hi' }))).error, 'not_in_channel');
  await t.notThrowsAsync(web.chat.postMessage({ channel: 'CWITHBOT', text: 'hi' }));

  sim.failNext('views.open', 'ratelimited', { status: 429, retryAfter: 7 });
  const error = await t.throwsAsync(web.views.open({ trigger_id: sim.issueTriggerId(), view: modal([section('x')]) as never }));
  t.is((error as unknown as { retryAfter: number }).retryAfter, 7);
  t.is(sim.callsTo('views.open')[0].status, 429);
});

test('response_url posts are recorded, validated and limited to five', async (t) => {
  const sim = await simulator(t);
  const url = sim.responseUrl({ channelId: DEFAULTS.channelId, userId: DEFAULTS.userId });
  t.true(url.startsWith(`${sim.baseUrl}/response/`));
  const post = (body: Json) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  t.is((await post({ response_type: 'ephemeral', text: 'Sent', blocks: [section('Sent')] })).status, 200);
  const call = await sim.waitForCall('response_url');
  t.is(call.team, DEFAULTS.teamId);
  t.is(call.url, url);
  t.is(call.args.text, 'Sent');

  const invalid = await post({ text: 'x', blocks: [section('')] });
  t.is(invalid.status, 400);
  t.is(((await invalid.json()) as Json).error, 'invalid_blocks');
  for (let i = 0; i < 3; i++) await post({ text: 'again' });
  const sixth = await post({ text: 'once too often' });
  t.is(((await sixth.json()) as Json).error, 'used_url');
  t.is(sim.callsTo('response_url').length, 6);
});

test('failNext also fails the next post to a response URL', async (t) => {
  const sim = await simulator(t);
  const url = sim.responseUrl();
  sim.failNext('response_url', 'internal_error', { status: 500 });
  const post = () =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Sent' }) });
  t.is((await post()).status, 500);
  t.is((await post()).status, 200);
  t.deepEqual(
    sim.callsTo('response_url').map((c) => c.status),
    [500, 200],
  );
});

test('closing the simulator ends every wait', async (t) => {
  const sim = await SlackSimulator.start();
  const waiting = sim.waitForCall('views.open', undefined, 10_000);
  await sim.close();
  await t.throwsAsync(waiting, { message: /closed while waiting for views\.open/ });
});

test('waitForCall waits for a call still to come and times out naming what was seen', async (t) => {
  const sim = await simulator(t);
  const waiting = sim.waitForCall('auth.test', (c) => c.team === DEFAULTS.teamId, 2000);
  await client(sim).auth.test();
  t.is((await waiting).method, 'auth.test');
  const error = await t.throwsAsync(sim.waitForCall('views.open', undefined, 50));
  t.regex(error.message, /no views\.open call within 50 ms \(calls so far: auth\.test\)/);
});

test('an unknown method gets unknown_method', async (t) => {
  const sim = await simulator(t);
  const response = await fetch(`${sim.apiUrl}chat.teleport`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEFAULTS.botToken}` },
  });
  t.is(response.status, 404);
  t.is(((await response.json()) as Json).error, 'unknown_method');
});

// ---------------------------------------------------------------------------------------
// Playing Slack towards the app.

test('signRequest signs as Bolt verifies', (t) => {
  const body = slashCommandBody({ responseUrl: 'http://127.0.0.1:1/response/x' }).toString();
  const now = Date.now();
  const headers = signRequest('shh', body, Math.floor(now / 1000));
  const verify = (secret: string, raw: string) =>
    isValidSlackRequest({
      signingSecret: secret,
      body: raw,
      headers: {
        'x-slack-signature': headers['x-slack-signature'],
        'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
      },
      nowMilliseconds: now,
    });
  t.regex(headers['x-slack-signature'], /^v0=[0-9a-f]{64}$/);
  t.true(verify('shh', body));
  t.false(verify('other', body));
  t.false(verify('shh', `${body}&text=changed`));
});

test('postToApp sends signed, stale and forged requests as asked', async (t) => {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const valid = isValidSlackRequest({
        signingSecret: 'shh',
        body: raw,
        headers: {
          'x-slack-signature': String(req.headers['x-slack-signature']),
          'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
        },
      });
      res.writeHead(valid ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ contentType: req.headers['content-type'], command: new URLSearchParams(raw).get('command') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const body = slashCommandBody({ responseUrl: 'http://127.0.0.1:1/response/x', text: 'csat @jack 123' });

  const good = await postToApp(url, 'shh', body);
  t.is(good.status, 200);
  t.deepEqual(good.json, { contentType: 'application/x-www-form-urlencoded', command: '/feedback' });
  t.is((await postToApp(url, 'shh', body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status, 401);
  t.is((await postToApp(url, 'shh', body, { signature: 'v0=' + '0'.repeat(64) })).status, 401);
  t.is((await postToApp(url, 'wrong secret', body)).status, 401);
  t.is((await postToApp(url, 'shh', body, { signature: null })).status, 401);
});

test('slashCommandBody carries every field Slack sends', (t) => {
  const body = slashCommandBody({ responseUrl: 'http://127.0.0.1:1/response/x', triggerId: 'T.1.2', text: 'nps 42' });
  t.deepEqual(
    [...body.keys()],
    [
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ],
  );
  t.is(body.get('text'), 'nps 42');
  t.is(body.get('team_id'), DEFAULTS.teamId);
  t.is(body.get('trigger_id'), 'T.1.2');
});

async function openedForm(t: ExecutionContext): Promise<SimulatedView> {
  const sim = await simulator(t);
  const form = modal(
    [
      input(
        select({
          action_id: 'type_pick',
          options: [option('CSAT', 'csat'), option('NPS', 'nps')],
          initial_option: option('CSAT', 'csat'),
        }),
        { block_id: 'type' },
      ),
      input(textInput({ action_id: 'message_text' }), { block_id: 'message' }),
      input(textInput({ action_id: 'ticket_text', initial_value: 'T-1' }), { block_id: 'ticket', optional: true }),
      input({ type: 'radio_buttons', action_id: 'variant_pick', options: options(3) }, { block_id: 'variant' }),
      input(
        { type: 'checkboxes', action_id: 'flags', options: [option('Test', 'test'), option('Other', 'other')] },
        { block_id: 'flags', optional: true },
      ),
      actions([button({ action_id: 'preview', value: 'p' })]),
    ],
    { callback_id: 'feedback' },
  );
  const opened = await client(sim).views.open({ trigger_id: sim.issueTriggerId(), view: form as never });
  return opened.view as unknown as SimulatedView;
}

test("stateFor builds view.state in Slack's shape, taking options from the view", async (t) => {
  const view = await openedForm(t);
  const state = stateFor(view, { message: 'Thanks!', variant: 'value-2', flags: ['test'] });
  t.deepEqual(state.values, {
    type: {
      type_pick: {
        type: 'static_select',
        selected_option: { text: { type: 'plain_text', text: 'CSAT', emoji: true }, value: 'csat' },
      },
    },
    message: { message_text: { type: 'plain_text_input', value: 'Thanks!' } },
    ticket: { ticket_text: { type: 'plain_text_input', value: 'T-1' } },
    variant: {
      variant_pick: {
        type: 'radio_buttons',
        selected_option: { text: { type: 'plain_text', text: 'Option 2', emoji: true }, value: 'value-2' },
      },
    },
    flags: {
      flags: {
        type: 'checkboxes',
        selected_options: [{ text: { type: 'plain_text', text: 'Test', emoji: true }, value: 'test' }],
      },
    },
  });
  t.deepEqual(stateFor(view, { message: '', type: null, ticket: null }).values.message, {
    message_text: { type: 'plain_text_input', value: null },
  });
  t.deepEqual(stateFor(view, { type: null }).values.type, { type_pick: { type: 'static_select', selected_option: null } });
  t.throws(() => stateFor(view, { type: 'ces' }), { message: /no option with value "ces"/ });
  t.throws(() => stateFor(view, { nowhere: 'x' }), { message: /no block nowhere/ });
});

test('viewSubmissionBody and blockActionsBody carry the view with its state', async (t) => {
  const view = await openedForm(t);
  const submission = JSON.parse(viewSubmissionBody(view, { values: { message: 'Hi' }, triggerId: 'tr' }).get('payload')!);
  t.is(submission.type, 'view_submission');
  t.is(submission.view.id, view.id);
  t.is(submission.view.callback_id, 'feedback');
  t.is(submission.view.state.values.message.message_text.value, 'Hi');
  t.deepEqual(submission.user, {
    id: DEFAULTS.userId,
    username: DEFAULTS.userName,
    name: DEFAULTS.userName,
    team_id: DEFAULTS.teamId,
  });
  t.is(submission.trigger_id, 'tr');

  const changed = JSON.parse(
    blockActionsBody(view, { blockId: 'type', value: 'nps', values: { message: 'Hi' } }).get('payload')!,
  );
  t.is(changed.type, 'block_actions');
  t.deepEqual(changed.container, { type: 'view', view_id: view.id });
  t.like(changed.actions[0], {
    type: 'static_select',
    block_id: 'type',
    action_id: 'type_pick',
    selected_option: { value: 'nps' },
  });
  t.is(changed.view.state.values.type.type_pick.selected_option.value, 'nps');
  t.is(changed.view.state.values.message.message_text.value, 'Hi');

  const pressed = JSON.parse(blockActionsBody(view, { blockId: 'buttons', actionId: 'preview' }).get('payload')!);
  t.like(pressed.actions[0], { type: 'button', action_id: 'preview', value: 'p', text: { type: 'plain_text', text: 'Go' } });
});

// ---------------------------------------------------------------------------------------
// Charts and tables (messages only), and file uploads.

const series = (name: string, labels: string[]) => ({ name, data: labels.map((label, i) => ({ label, value: i })) });
const barChart = (extra: Json = {}) => ({
  type: 'bar',
  series: [series('CSAT', ['Mon', 'Tue'])],
  axis_config: { categories: ['Mon', 'Tue'] },
  ...extra,
});
const chart = (chartFields: Json = barChart(), title = 'Scores this week') => ({
  type: 'data_visualization',
  title,
  chart: chartFields,
});
const cell = (text: string) => ({ type: 'raw_text', text });
const table = (rows: unknown[][], extra: Json = {}) => ({ type: 'data_table', caption: 'Scores by agent', rows, ...extra });
const grid = (rows: number, columns: number, text = 'x') =>
  Array.from({ length: rows }, () => Array.from({ length: columns }, () => cell(text)));
const labels = (n: number) => Array.from({ length: n }, (_, i) => `D${i}`);

test('a bar, line, area and pie chart and a table with text, numbers and rich text pass in a message', (t) => {
  const pie = {
    type: 'pie',
    segments: [
      { label: 'Promoters', value: 12 },
      { label: 'Detractors', value: 3 },
    ],
  };
  const rich = { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'Ann' }] }] };
  t.deepEqual(
    validateMessageBlocks([
      chart(barChart({ axis_config: { categories: ['Mon', 'Tue'], x_label: 'Day', y_label: 'Score' } })),
      chart(pie),
    ]),
    [],
  );
  for (const type of ['line', 'area']) t.deepEqual(validateMessageBlocks([chart(barChart({ type }))]), [], type);
  const rows = [
    [cell('Agent'), cell('CSAT')],
    [rich, { type: 'raw_number', value: 4.5, text: '4.5' }],
  ];
  t.deepEqual(validateMessageBlocks([table(rows, { page_size: 10, row_header_column_index: 0 })]), []);
});

test(
  'chart title, 50 vs 51',
  boundary,
  (n) => validateMessageBlocks([chart(barChart(), 't'.repeat(n))]),
  50,
  '[ERROR] must be less than 51 characters [json-pointer:/blocks/0/title]',
);

test(
  'chart series, 6 vs 7',
  boundary,
  (n) => validateMessageBlocks([chart(barChart({ series: Array.from({ length: n }, (_, i) => series(`S${i}`, ['Mon'])) }))]),
  6,
  '[ERROR] no more than 6 items allowed [json-pointer:/blocks/0/chart/series]',
);

test(
  'pie segments, 6 vs 7',
  boundary,
  (n) =>
    validateMessageBlocks([
      chart({ type: 'pie', segments: Array.from({ length: n }, (_, i) => ({ label: `S${i}`, value: i })) }),
    ]),
  6,
  '[ERROR] no more than 6 items allowed [json-pointer:/blocks/0/chart/segments]',
);

test(
  'chart categories, 20 vs 21',
  boundary,
  (n) => validateMessageBlocks([chart(barChart({ axis_config: { categories: labels(n) }, series: [series('CSAT', ['D0'])] }))]),
  20,
  '[ERROR] no more than 20 items allowed [json-pointer:/blocks/0/chart/axis_config/categories]',
);

test(
  'chart category label, 20 vs 21',
  boundary,
  (n) =>
    validateMessageBlocks([
      chart(barChart({ axis_config: { categories: ['c'.repeat(n)] }, series: [series('CSAT', ['c'.repeat(n)])] })),
    ]),
  20,
  '[ERROR] must be less than 21 characters [json-pointer:/blocks/0/chart/axis_config/categories/0]',
);

test(
  'chart axis label, 50 vs 51',
  boundary,
  (n) => validateMessageBlocks([chart(barChart({ axis_config: { categories: ['Mon', 'Tue'], y_label: 'y'.repeat(n) } }))]),
  50,
  '[ERROR] must be less than 51 characters [json-pointer:/blocks/0/chart/axis_config/y_label]',
);

test(
  'charts in a message, 2 vs 3',
  boundary,
  (n) => validateMessageBlocks(Array.from({ length: n }, () => chart())),
  2,
  '[ERROR] no more than 2 data_visualization blocks allowed in a message [json-pointer:/blocks/2]',
);

test(
  'table rows, 101 vs 102 (the header and 100)',
  boundary,
  (n) => validateMessageBlocks([table(grid(n, 2))]),
  101,
  '[ERROR] no more than 101 items allowed [json-pointer:/blocks/0/rows]',
);

test(
  'table columns, 20 vs 21',
  boundary,
  (n) => validateMessageBlocks([table(grid(2, n))]).slice(0, 1),
  20,
  '[ERROR] must provide 1 to 20 cells [json-pointer:/blocks/0/rows/0]',
);

test(
  'table page size, 100 vs 101',
  boundary,
  (n) => validateMessageBlocks([table(grid(2, 1), { page_size: n })]),
  100,
  '[ERROR] must be less than 101 [json-pointer:/blocks/0/page_size]',
);

test(
  'characters across a table’s cells, 10,000 vs 10,001',
  boundary,
  (n) => validateMessageBlocks([table([[cell('h'.repeat(n - 1))], [cell('x')]])]),
  10_000,
  '[ERROR] the cells hold more than 10000 characters [json-pointer:/blocks/0/rows]',
);

test(
  'characters across all the tables of a message, 10,000 vs 10,001',
  boundary,
  (n) =>
    validateMessageBlocks([table([[cell('h'.repeat(5000))], [cell('x')]]), table([[cell('h'.repeat(n - 5002))], [cell('x')]])]),
  10_000,
  '[ERROR] the cells of its data_table blocks hold more than 10000 characters [json-pointer:/blocks]',
);

test('a chart or table breaking its shape is refused where it breaks', (t) => {
  t.deepEqual(validateMessageBlocks([chart(barChart({ type: 'scatter' }))]), [
    '[ERROR] must be a valid enum value [json-pointer:/blocks/0/chart/type]',
  ]);
  t.deepEqual(validateMessageBlocks([chart(barChart({ series: [series('CSAT', ['Sun'])] }))]), [
    '[ERROR] must be one of axis_config.categories [json-pointer:/blocks/0/chart/series/0/data/0/label]',
  ]);
  t.deepEqual(validateMessageBlocks([chart(barChart({ series: [series('A', ['Mon']), series('A', ['Tue'])] }))]), [
    '[ERROR] duplicate series name "A" [json-pointer:/blocks/0/chart/series/1/name]',
  ]);
  t.deepEqual(validateMessageBlocks([chart({ type: 'bar', series: [series('A', ['Mon'])] })]), [
    '[ERROR] missing required field: axis_config [json-pointer:/blocks/0/chart]',
  ]);
  t.deepEqual(validateMessageBlocks([table([[cell('a'), cell('b')], [cell('c')]])]), [
    '[ERROR] must have as many cells as the first row [json-pointer:/blocks/0/rows/1]',
  ]);
  t.deepEqual(validateMessageBlocks([table([[cell('a')]])]), [
    '[ERROR] must provide at least 2 items [json-pointer:/blocks/0/rows]',
  ]);
  const rich = { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'A' }] }] };
  t.deepEqual(validateMessageBlocks([table([[rich], [cell('c')]])]), [
    '[ERROR] must be raw_text or raw_number in the header row [json-pointer:/blocks/0/rows/0/0/type]',
  ]);
  t.deepEqual(validateMessageBlocks([table(grid(2, 2), { row_header_column_index: 2 })]), [
    '[ERROR] must be less than 2 [json-pointer:/blocks/0/row_header_column_index]',
  ]);
  const { caption: _, ...uncaptioned } = table(grid(2, 1));
  t.deepEqual(validateMessageBlocks([uncaptioned]), ['[ERROR] missing required field: caption [json-pointer:/blocks/0]']);
});

test('charts and tables are for messages: a Home tab or modal holding one is refused', (t) => {
  for (const block of [chart(), table(grid(2, 1))]) {
    t.deepEqual(problems(validateView({ type: 'home', blocks: [block] })), [
      `[ERROR] unsupported type: ${block.type} [json-pointer:/view/blocks/0/type]`,
    ]);
    t.deepEqual(problems(validateView(modal([block]))), [
      `[ERROR] unsupported type: ${block.type} [json-pointer:/view/blocks/0/type]`,
    ]);
  }
});

test('chat.postMessage takes a chart and a table, and refuses a third chart', async (t) => {
  const sim = await simulator(t);
  const posted = await client(sim).chat.postMessage({
    channel: DEFAULTS.channelId,
    text: 'CSAT 80%',
    blocks: [chart(), table(grid(2, 2))] as never,
  });
  t.true(posted.ok);
  const refused = await refusal(
    t,
    client(sim).chat.postMessage({ channel: DEFAULTS.channelId, text: 'x', blocks: [chart(), chart(), chart()] as never }),
  );
  t.is(refused.error, 'invalid_blocks');
});

test('filesUploadV2 uploads a file as a multipart form and shares it to the channel with its comment', async (t) => {
  const sim = await simulator(t);
  const content = Buffer.from('agent,score\nJosé,5\n', 'utf8');
  const result = await client(sim).filesUploadV2({
    channel_id: DEFAULTS.channelId,
    file: content,
    filename: 'scores.csv',
    title: 'Scores',
    initial_comment: 'This week',
  });
  const [completion] = (result as unknown as { files: Array<{ files: Array<{ id: string }> }> }).files;
  const file = sim.file(completion.files[0].id)!;
  t.deepEqual(file.bytes, content);
  t.like(file, { filename: 'scores.csv', title: 'Scores', completed: true });
  t.like(file.shares[0], { channel: DEFAULTS.channelId, initialComment: 'This week' });
  t.regex(sim.callsTo('file_upload')[0].url!, /^http:\/\/127\.0\.0\.1:\d+\/upload\/v1\//);
});

test('an upload URL takes raw bytes too; completing needs the upload, its announced length, and a channel the bot is in', async (t) => {
  const sim = await simulator(t);
  const slack = client(sim);
  const announce = (length: number) =>
    slack.files.getUploadURLExternal({ filename: 'a.csv', length }) as Promise<{ upload_url: string; file_id: string }>;
  const complete = (id: string, channel_id: string = DEFAULTS.channelId) =>
    slack.files.completeUploadExternal({ files: [{ id }], channel_id });

  const never = await announce(3);
  t.is((await refusal(t, complete(never.file_id))).error, 'file_not_found');

  const raw = await announce(3);
  const answer = await fetch(raw.upload_url, { method: 'POST', body: new Uint8Array([0xff, 0x00, 0xe9]) });
  t.is(answer.status, 200);
  t.is(await answer.text(), 'OK - 3');
  t.deepEqual(sim.file(raw.file_id)!.bytes, Buffer.from([0xff, 0x00, 0xe9]));
  sim.setMember(DEFAULTS.channelId, DEFAULTS.botUserId, false);
  t.is((await refusal(t, complete(raw.file_id))).error, 'not_in_channel');
  sim.setMember(DEFAULTS.channelId, DEFAULTS.botUserId, true);
  t.true((await complete(raw.file_id)).ok);
  t.is((await refusal(t, complete(raw.file_id))).error, 'file_not_found', 'a file is completed once');

  const short = await announce(10);
  await fetch(short.upload_url, { method: 'POST', body: 'abc' });
  t.is((await refusal(t, complete(short.file_id))).error, 'file_upload_size_mismatch');

  t.is((await fetch(`${sim.baseUrl}/upload/v1/forged`, { method: 'POST', body: 'abc' })).status, 404);
  t.is((await refusal(t, slack.files.getUploadURLExternal({ filename: 'a.csv' } as never))).error, 'invalid_arguments');
});
