import { LogLevel } from '@slack/logger';
import test from 'ava';
import { startApp } from '../../app/server.js';
import { SettingsSource } from '../../app/services/settings.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, type RecordedCall, type SimulatedView } from '../simulators/slack.js';
import { Harness } from '../support/harness.js';
import { messageButtonBody, messageShortcutBody } from '../support/slack-requests.js';

type Block = Record<string, any>;

const USER = 'twitter-pushes';
const PASSWORD = 'a-webhook-password-of-32-characters';
const ALERTS = 'C0ALERTS01';
const SUPERVISORS = ['U0SUPER001', 'U0SUPER002'];
const THREAD_TS = '1700000000.000100';

/** The app with the webhook on, an alert channel the bot and two supervisors are in, and alerts set. */
async function start(): Promise<Harness> {
  const h = await Harness.start({ env: { TWITTER_WEBHOOK_USER: USER, TWITTER_WEBHOOK_PASSWORD: PASSWORD } });
  for (const id of SUPERVISORS) h.slack.addUser({ id, teamId: DEFAULTS.teamId });
  h.slack.addChannel({ id: ALERTS, teamId: DEFAULTS.teamId, name: 'cs-alerts', members: [...SUPERVISORS, DEFAULTS.botUserId] });
  const store = await openStore(h.config.store);
  try {
    await new SettingsSource(store.records('settings'), {}).save(DEFAULTS.teamId, {
      alerts: { channel: ALERTS, csat_at_most: 2, nps_at_most: 6 },
    });
  } finally {
    await store.close();
  }
  h.twitter.pushTo(h.url.replace(/\/slack\/events$/, '/twitter/feedback-events'), USER, PASSWORD);
  return h;
}

/** An agent asks @jack from a ticket thread, through the message shortcut; resolves with Twitter's card. */
async function requestFromThread(h: Harness) {
  const responseUrl = h.slack.responseUrl();
  const message = { ts: THREAD_TS, user: 'U0CUSTOMER', text: 'New DM from @jack: my order never arrived. Ticket #5555' };
  const { view } = await h.open((triggerId) => messageShortcutBody({ message, responseUrl, triggerId }));
  await h.submit(view, { message: 'How did we do?' });
  await h.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === view.id && (c.args.view as SimulatedView).callback_id === 'feedback_outcome',
  );
  return h.twitter.feedback[0];
}

const inAlerts = (method: string) => (h: Harness) => h.slack.callsTo(method).filter((c) => c.args.channel === ALERTS);
const posts = inAlerts('chat.postMessage');

function waitForEdit(h: Harness, since: number, shows: RegExp): Promise<RecordedCall> {
  return h.slack.waitForCall(
    'chat.update',
    (c) => c.seq >= since && c.args.channel === ALERTS && shows.test(JSON.stringify(c.args.blocks)),
  );
}

test('a low score pushed by Twitter posts one alert; repeats and later changes edit it; the buttons show who follows up and resolved', async (t) => {
  const h = await start();
  t.teardown(() => h.close());
  const card = await requestFromThread(h);
  const first = Date.parse('2026-11-23T10:00:00Z');

  h.twitter.setPushFaults({ duplicate: 2 });
  await h.twitter.answer(card.id, { score: 1, at: first });
  const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === ALERTS);
  t.true(post.response.ok as boolean, JSON.stringify(post.response));
  const ts = post.response.ts as string;
  const shown = JSON.stringify(post.args.blocks);
  t.regex(shown, /Low CSAT score: 1\/5/);
  t.regex(shown, /ticket_5555/);
  t.regex(shown, new RegExp(`<@${DEFAULTS.userId}>`));
  t.regex(shown, /@jack \(343434343434\)/);
  t.regex(shown, /@AcmeSupport/);
  t.regex(shown, new RegExp(`https://simulated.slack.com/archives/${DEFAULTS.channelId}/p1700000000000100`));

  // The comment comes later, twice over: the same message is edited.
  let since = h.slack.calls.length;
  await h.twitter.answer(card.id, { text: 'Nobody answered <!channel>', at: first + 60_000 });
  const edited = await waitForEdit(h, since, /Nobody answered &lt;!channel&gt;/);
  t.is(edited.args.ts, ts);

  since = h.slack.calls.length;
  await h.post(
    messageButtonBody({
      blocks: h.slack.message(ALERTS, ts)!.blocks as Block[],
      actionId: 'alert_follow_up',
      channelId: ALERTS,
      messageTs: ts,
      userId: SUPERVISORS[0],
      responseUrl: h.slack.responseUrl({ channelId: ALERTS }),
    }),
  );
  await waitForEdit(h, since, new RegExp(`<@${SUPERVISORS[0]}> follows up`));

  since = h.slack.calls.length;
  await h.post(
    messageButtonBody({
      blocks: h.slack.message(ALERTS, ts)!.blocks as Block[],
      actionId: 'alert_resolved',
      channelId: ALERTS,
      messageTs: ts,
      userId: SUPERVISORS[1],
      responseUrl: h.slack.responseUrl({ channelId: ALERTS }),
    }),
  );
  await waitForEdit(h, since, new RegExp(`Resolved by <@${SUPERVISORS[1]}>`));

  // The customer thinks better of it: the message says the score is no longer low.
  since = h.slack.calls.length;
  await h.twitter.answer(card.id, { score: 4, at: first + 120_000 });
  await waitForEdit(h, since, /CSAT score now 4\/5\*: above the alert threshold/);

  await h.stopApp();
  t.is(posts(h).length, 1, 'one message for the card, whatever came after');
  const final = JSON.stringify(h.slack.message(ALERTS, ts)!.blocks);
  t.regex(final, new RegExp(`<@${SUPERVISORS[0]}> follows up`));
  t.regex(final, new RegExp(`Resolved by <@${SUPERVISORS[1]}>`));
  t.regex(final, /Nobody answered &lt;!channel&gt;/);
  t.notRegex(final, /alert_follow_up|alert_resolved/, 'a resolved alert has no buttons');
  t.true(inAlerts('chat.update')(h).every((c) => c.response.ok === true));
});

test('an alert Slack refuses (the app is not in the channel) is posted once it is invited, and answers keep being recorded meanwhile', async (t) => {
  const h = await start();
  t.teardown(() => h.close());
  const card = await requestFromThread(h);
  h.slack.setMember(ALERTS, DEFAULTS.botUserId, false);
  await h.twitter.answer(card.id, { score: 2 });
  t.is(h.twitter.pushes.at(-1)?.status, 200, 'the answer is taken whatever Slack says');
  await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === ALERTS && c.response.error === 'not_in_channel');

  h.slack.setMember(ALERTS, DEFAULTS.botUserId, true);
  // Alerts Slack refused are tried again every minute, and by an instance as it starts: one starts here.
  await h.stopApp();
  const again = await startApp(h.config, LogLevel.ERROR);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= again.stop());
  t.teardown(stop);
  const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === ALERTS && c.response.ok === true);
  t.regex(JSON.stringify(post.args.blocks), /Low CSAT score: 2\/5/);
  await stop();
  t.is(posts(h).filter((c) => c.response.ok === true).length, 1);
});
