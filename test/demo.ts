/**
 * `npm run demo`: the whole flow, offline. The real app runs on loopback between a
 * simulated Slack and a simulated Twitter, and an agent's moves are played as signed
 * Slack requests. The transcript shows what the agent sees and what Twitter receives, then
 * the low-score alert supervisors get and a helpdesk's request through the HTTP API.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { WebClient } from '@slack/web-api';
import type { Answer } from '../app/domain/answers.js';
import { WEBHOOK_PATH } from '../app/http/answers-webhook.js';
import { SettingsSource } from '../app/services/settings.js';
import { openStore } from '../app/store/store.js';
import { DEFAULTS, type SimulatedView } from './simulators/slack.js';
import { ApiClient } from './support/api-client.js';
import { createApiKey } from './support/api-keys.js';
import { CUSTOMERS, Harness } from './support/harness.js';
import { blockActionsBody, messageShortcutBody } from './support/slack-requests.js';

type Block = Record<string, any>;

const out = (line = '') => process.stdout.write(`${line}\n`);
const step = (title: string) => out(`\n━━ ${title}`);

/** Stops the demo with what was expected and did not happen. */
function expect(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`The demo expected ${what}, and it did not happen.`);
}

const WEBHOOK = { TWITTER_WEBHOOK_USER: 'twitter-pushes', TWITTER_WEBHOOK_PASSWORD: 'demo-webhook-password-0123456789' };

/** Keeps a value recognisable without printing it. */
function mask(value: string): string {
  return value.length <= 6 ? '••••' : `${value.slice(0, 4)}…(${value.length} chars, masked)`;
}

function elementValue(element: Block): string {
  switch (element.type) {
    case 'radio_buttons':
    case 'static_select': {
      const options: Block[] = element.options;
      const chosen = element.initial_option?.text.text ?? '(none)';
      return element.type === 'static_select'
        ? `${chosen}   [${options.length} choices: ${options[0].value}–${options[options.length - 1].value}]`
        : `${chosen}   [choices: ${options.map((o) => o.value).join(', ')}]`;
    }
    case 'checkboxes':
      return element.initial_options?.length ? '☑ checked' : '☐ unchecked';
    default:
      return element.initial_value ? JSON.stringify(element.initial_value) : '(empty)';
  }
}

function printModal(view: SimulatedView): void {
  out(`   ┌ ${view.title.text}${view.submit ? `  [${view.submit.text}]` : ''}`);
  for (const block of view.blocks as Block[]) {
    if (block.type === 'input') {
      const optional = block.optional ? ' (optional)' : '';
      out(`   │ ${block.label.text}${optional} → ${block.block_id}: ${elementValue(block.element)}`);
    } else if (block.block_id === 'preview') {
      out(`   │   preview: “${block.text.text}”`);
    } else if (block.type === 'section') {
      out(`   │ ${block.text.text.replace(/\n/g, '\n   │ ')}`);
    } else if (block.type === 'context' && block.block_id !== 'preview_label') {
      out(`   │ ${block.elements.map((e: Block) => e.text).join(' ')}`);
    }
  }
  out('   └');
}

const SUPERVISOR = 'U0ADMIN001';
const ALERTS = 'C0ALERTS01';
const TICKETS = 'C0TICKETS1';

/** `userId` clicks the button of `view` with this value; resolves with the App Home Slack then shows them. */
async function click(h: Harness, view: SimulatedView, value: string, userId: string): Promise<SimulatedView> {
  const block = (view.blocks as Block[]).find((b) => b.elements?.some((e: Block) => e.value === value));
  const button = block?.elements.find((e: Block) => e.value === value);
  expect(block && button, `a button “${value}” in App Home`);
  const since = h.slack.calls.length;
  await h.post(blockActionsBody(view, { blockId: block.block_id, actionId: button.action_id, userId }));
  const call = await h.slack.waitForCall('views.publish', (c) => c.seq >= since && c.args.user_id === userId);
  expect(call.response.ok, 'views.publish to succeed');
  return call.response.view as SimulatedView;
}

/** The text a person reads in a view's blocks, one line per block. */
function printView(view: SimulatedView, from: string): void {
  const blocks = view.blocks as Block[];
  for (const block of blocks.slice(blocks.findIndex((b) => b.block_id === from))) {
    const texts = [
      block.text?.text,
      ...(block.fields ?? []).map((f: Block) => f.text),
      ...(block.elements ?? []).map((e: Block) => e.text?.text ?? e.text),
    ];
    const line = texts.filter((t) => typeof t === 'string').join('   ');
    // Weeks with nothing sent are left out of the transcript.
    const kept = line.split('\n').filter((row) => !/^\d{4}-\d\d-\d\d\s+0\s+0\s/.test(row));
    if (line) out(`   │ ${kept.join('\n   │ ')}`);
  }
}

/** A message as a person reads it: each block's text, and its buttons. */
function printMessage(message: Block): void {
  out(`   │ (notification: “${message.text}”)`);
  for (const block of message.blocks as Block[]) {
    if (block.type === 'actions') {
      const buttons = (block.elements as Block[]).map((e) => `[${e.text.text}]${e.style ? ` (${e.style})` : ''}`);
      out(`   │ ${buttons.join('  ')}   ← buttons`);
      continue;
    }
    // A field's name and value are on two lines in Slack; one line each here.
    const fields = (block.fields ?? []).map((f: Block) => f.text.replace(/\n/, ' '));
    const texts = [block.text?.text, ...fields, ...(block.elements ?? []).map((e: Block) => e.text)];
    const line = texts.filter((t) => typeof t === 'string').join('   ');
    if (line) out(`   │ ${line.replace(/\n/g, '\n   │ ')}`);
  }
}

async function main(): Promise<void> {
  const h = await Harness.start({ env: WEBHOOK });
  try {
    out('Twitter feedback for Slack: an offline run against simulated Slack and Twitter.');
    out(`App: ${h.url}   Slack API: ${h.slack.apiUrl}   Twitter API: ${h.twitter.url}`);

    step('1. The agent types /feedback in #support');
    const { response, view } = await h.command();
    out(`   Slack got HTTP ${response.status} at once; the app opened this modal (views.open):`);
    printModal(view);

    step('2. The agent switches the survey to NPS (block_actions → views.update with hash)');
    const nps = await h.change(view, 'type', 'nps', { to_user_id: '@jack' });
    printModal(nps);

    step('3. The agent picks question 3 and names the business "Acme"');
    const three = await h.change(nps, 'question_variant_id', '3', { to_user_id: '@jack' });
    const named = await h.change(three, 'display_name', 'Acme', { to_user_id: '@jack', question_variant_id: '3' });
    const preview = (named.blocks as Block[]).find((b) => b.block_id === 'preview');
    out(`   preview: “${preview?.text.text}”`);

    step('4. The agent submits with mistakes');
    const refused = await h.submit(named, {
      to_user_id: 'jack smith',
      message: null,
      privacy_url: 'acme.example/privacy',
      question_variant_id: '3',
      display_name: 'Acme',
    });
    const errors = (refused.json as { errors: Record<string, string> }).errors;
    out('   The modal stays open with errors on the fields (response_action: errors):');
    for (const [field, message] of Object.entries(errors)) out(`   ✗ ${field}: ${message}`);
    out(`   Requests Twitter received: ${h.twitter.requests.length}`);

    step('5. The agent fixes them and sends');
    const sent = await h.submit(named, {
      to_user_id: '@jack',
      message: 'Thanks for reaching out to Acme! Would you tell us how we did?',
      privacy_url: 'https://acme.example/privacy',
      question_variant_id: '3',
      display_name: 'Acme',
      external_id: 'ticket_5555',
      test: ['true'],
    });
    out(`   Slack got: response_action "${(sent.json as Block).response_action}" (a "Sending…" view) at once.`);
    const [lookup] = await h.twitter.waitForRequests((r) => r.path === '/1.1/users/show.json');
    out(
      `   Twitter received ${lookup.method} ${lookup.path}?screen_name=${lookup.query.screen_name}  → @jack is ${CUSTOMERS.jack.id_str}`,
    );
    const [created] = await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
    out(`   Twitter received ${created.method} ${created.path} (application/x-www-form-urlencoded):`);
    for (const [name, value] of Object.entries(created.form)) out(`     ${name} = ${JSON.stringify(value)}`);
    out('   Authorization: OAuth');
    for (const [name, value] of Object.entries(created.oauth)) {
      const secret = name === 'oauth_token' || name === 'oauth_consumer_key' || name === 'oauth_signature';
      out(`     ${name} = ${secret ? mask(value) : value}`);
    }
    out(`   The simulator checked the HMAC-SHA1 signature itself (RFC 5849): ${created.verified ? 'valid ✓' : 'INVALID ✗'}`);

    const outcome = await h.slack.waitForCall(
      'views.update',
      (c) => c.args.view_id === view.id && (c.args.view as Block).callback_id === 'feedback_outcome',
    );
    out('   The modal now shows the outcome:');
    printModal(outcome.args.view as SimulatedView);
    const told = await h.slack.waitForCall('response_url');
    out(`   And in #support, only to the agent (ephemeral): ${(told.args as Block).text}`);

    step('6. On a ticket thread, the agent uses the message shortcut "Request Twitter feedback"');
    const ticket = {
      ts: '1700000000.000100',
      bot_id: 'B0ZENDESK',
      text: 'Ticket solved',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Ticket #777 solved' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '<https://acme.zendesk.com/agent/tickets/777|Ticket 777>: parcel found. Requester <https://x.com/bigid|@bigid>',
          },
        },
      ],
    };
    out(`   The message (from a ticketing bot): ${JSON.stringify(ticket.blocks.map((b) => b.text.text))}`);
    const shortcutUrl = h.slack.responseUrl();
    const { view: prefilled } = await h.open((triggerId) =>
      messageShortcutBody({ message: ticket, responseUrl: shortcutUrl, triggerId }),
    );
    out('   The modal opens prefilled from the message:');
    printModal(prefilled);
    await h.submit(prefilled, { message: 'Glad we found your parcel! How did we do?' });
    const reply = await h.slack.waitForCall('chat.postMessage');
    out(`   Replied in the ticket thread (thread_ts ${(reply.args as Block).thread_ts}): ${(reply.args as Block).text}`);

    step('7. Supervisors ask for low-score alerts in #cs-alerts');
    h.slack.addChannel({ id: ALERTS, teamId: DEFAULTS.teamId, name: 'cs-alerts', members: [DEFAULTS.botUserId] });
    const alerts = { channel: ALERTS, csat_at_most: 2, nps_at_most: 6 };
    const settingsStore = await openStore(h.config.store);
    await new SettingsSource(settingsStore.records('settings'), {})
      .save(DEFAULTS.teamId, { alerts })
      .finally(() => settingsStore.close());
    out(`   The workspace's settings now hold alerts = ${JSON.stringify(alerts)}`);
    out('   (CSAT answers of 2 or less and NPS answers of 6 or less are posted to #cs-alerts.)');

    step('8. The customer answers; Twitter pushes the answer to the app');
    await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json', { count: 2 });
    const card = h.twitter.feedback.at(-1);
    expect(card !== undefined && card.external_id?.includes('777'), 'the card of ticket 777 at Twitter');
    const answered = card.id;
    h.twitter.pushTo(
      h.url.replace(/\/slack\/events$/, WEBHOOK_PATH),
      WEBHOOK.TWITTER_WEBHOOK_USER,
      WEBHOOK.TWITTER_WEBHOOK_PASSWORD,
    );
    await h.twitter.answer(answered, { score: 2, text: 'The parcel came a week late.' });
    const [push] = h.twitter.pushes;
    expect(push?.status === 200, 'the app to take the pushed answer (HTTP 200)');
    const given = push.event.feedback.response;
    out(`   Twitter pushed ${push.event.event_type} for card ${answered} to ${WEBHOOK_PATH} (basic auth): HTTP ${push.status}`);
    out(`   The customer gave ${given?.score?.value} of 5 and wrote “${given?.text?.value}”`);
    const store = await openStore(h.config.store);
    const stored = await store
      .records('answers')
      .get<Answer>({ teamId: DEFAULTS.teamId }, answered)
      .finally(() => store.close());
    expect(stored?.score?.value === 2, 'the answer stored with its score');
    out(
      `   Stored once for the card, joined to its send: agent ${stored.agent}, ticket ${stored.external_id}, ` +
        `customer @${stored.customer_handle ?? stored.to_user_id}`,
    );

    step('9. The low score is posted in #cs-alerts');
    const alert = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === ALERTS);
    expect(alert.response.ok, `the alert to be posted in #cs-alerts (Slack said ${JSON.stringify(alert.response)})`);
    out(`   chat.postMessage to ${ALERTS} (ts ${alert.response.ts as string}):`);
    printMessage(alert.args);

    step('10. A supervisor opens Results in App Home');
    h.slack.addUser({ id: SUPERVISOR, teamId: DEFAULTS.teamId, isAdmin: true, realName: 'Ada Admin' });
    const results = await click(h, await h.home(SUPERVISOR), 'results', SUPERVISOR);
    expect(JSON.stringify(results.blocks).includes('The parcel came a week late.'), 'the comment among the latest in Results');
    out(`   Ada (a workspace admin, so a supervisor) clicks Results; the app publishes her App Home (views.publish):`);
    printView(results, 'results_header');

    step("11. A helpdesk asks for a request through the HTTP API, to be told in the ticket's thread");
    await click(h, results, 'home', SUPERVISOR);
    const key = await createApiKey(h, SUPERVISOR, 'Zendesk');
    out(`   Ada goes back to Home, clicks Create API key and names it "Zendesk"; the modal shows the key once: ${mask(key)}`);
    h.slack.addChannel({ id: TICKETS, teamId: DEFAULTS.teamId, name: 'tickets', members: [SUPERVISOR, DEFAULTS.botUserId] });
    // The helpdesk's own Slack integration posts the ticket; the simulator takes it through its Web API.
    const slackApi = new WebClient(DEFAULTS.botToken, { slackApiUrl: h.slack.apiUrl });
    const ticketThread = await slackApi.chat.postMessage({ channel: TICKETS, text: 'Ticket #778 solved: refund sent to @jill' });
    expect(ticketThread.ok && ticketThread.ts, 'the ticket message in #tickets');
    out(`   The ticket's message in #tickets (ts ${ticketThread.ts}): “${ticketThread.message?.text}”`);
    const api = new ApiClient(h.url.replace(/\/slack\/events$/, ''));
    const body = {
      customer: '@jill',
      external_id: 'ticket_778',
      send_after: new Date(Date.now() + 2000).toISOString(),
      notify: { channel: TICKETS, thread_ts: ticketThread.ts },
    };
    out(`   POST /api/v1/feedback-requests   Authorization: Bearer ${mask(key)}`);
    out(`     ${JSON.stringify(body)}`);
    const asked = await api.post(key, body);
    expect(asked.status === 202 && asked.json.status === 'scheduled', `202 with status scheduled (got ${asked.status})`);
    out(`   HTTP ${asked.status}:`);
    for (const [name, value] of Object.entries(asked.json)) out(`     ${name} = ${JSON.stringify(value)}`);
    let read = asked;
    for (let tries = 0; tries < 100 && ['scheduled', 'sending'].includes(read.json.status); tries++) {
      await delay(200);
      read = await api.get(key, asked.json.id);
    }
    expect(read.json.status === 'sent', `the request sent (it is ${read.json.status})`);
    out(`   GET ${asked.json.status_url} until it is no longer scheduled: HTTP ${read.status}, and what changed:`);
    for (const [name, value] of Object.entries(read.json)) {
      if (JSON.stringify(value) !== JSON.stringify(asked.json[name])) out(`     ${name} = ${JSON.stringify(value)}`);
    }
    const asking = h.twitter.requests.find((r) => r.path === '/1.1/feedback/create.json' && r.form.external_id === 'ticket_778');
    expect(asking, 'the feedback card of ticket 778 created at Twitter');
    out(
      `   Twitter received ${asking.method} ${asking.path} with to_user_id ${asking.form.to_user_id} (@jill), external_id ${asking.form.external_id}`,
    );
    const outcomeInThread = await h.slack.waitForCall(
      'chat.postMessage',
      (c) => c.args.channel === TICKETS && c.args.thread_ts === ticketThread.ts,
    );
    out(
      `   Told in the ticket's thread (chat.postMessage, thread_ts ${outcomeInThread.args.thread_ts as string}): ${outcomeInThread.args.text as string}`,
    );
  } finally {
    await h.close();
  }
  out('\nDone. Run `npm test` for the test suite.');
}

await main();
