import test, { type ExecutionContext } from 'ava';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { CUSTOMERS, Harness } from '../support/harness.js';
import { blockActionsBody, viewSubmissionBody } from '../support/slack-requests.js';

type Block = Record<string, any>;

const ADMIN = 'U0ADMIN001';
const SUPERVISOR = 'U0SUPER001';
const AGENT = DEFAULTS.userId;
const USER = 'twitter-pushes';
const PASSWORD = 'a-webhook-password-of-32-characters';
const HOSTILE = 'Slow <!channel> & <@U0ADMIN001> *bold*';

const h = (t: ExecutionContext) => t.context as Harness;
test.beforeEach(async (t) => {
  const harness = await Harness.start({ env: { TWITTER_WEBHOOK_USER: USER, TWITTER_WEBHOOK_PASSWORD: PASSWORD } });
  harness.slack.addUser({ id: ADMIN, teamId: DEFAULTS.teamId, isAdmin: true, realName: 'Ada Admin' });
  harness.slack.addUser({ id: SUPERVISOR, teamId: DEFAULTS.teamId, realName: 'Sue Supervisor' });
  harness.twitter.pushTo(harness.url.replace(/\/slack\/events$/, '/twitter/feedback-events'), USER, PASSWORD);
  t.context = harness;
});
test.afterEach.always(async (t) => {
  await h(t).close();
});

const text = (view: SimulatedView) => JSON.stringify(view.blocks);
const block = (view: SimulatedView, id: string) => view.blocks.find((b) => b.block_id === id) as Block | undefined;

function button(view: SimulatedView, actionId: string): Block | undefined {
  for (const b of view.blocks as Block[]) for (const e of b.elements ?? []) if (e.action_id === actionId) return e;
  return undefined;
}

/** The agent sends a card from Slack; resolves with Twitter's card once the outcome is shown. */
async function send(harness: Harness, values: Record<string, string>) {
  const { view } = await harness.command('', { userId: AGENT });
  await harness.post(viewSubmissionBody(harness.slack.view(view.id)!, { userId: AGENT, values: { message: 'Hi', ...values } }));
  await harness.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === view.id && (c.args.view as Block).callback_id === 'feedback_outcome',
  );
  return harness.twitter.feedback.at(-1)!;
}

/** `userId` clicks a button of their App Home; resolves with the view published for them. */
async function click(harness: Harness, home: SimulatedView, blockId: string, actionId: string, userId: string) {
  const since = harness.slack.calls.length;
  const answer = await harness.post(blockActionsBody(home, { blockId, actionId, userId }));
  t_ok(answer.status);
  const call = await harness.slack.waitForCall('views.publish', (c) => c.seq >= since && c.args.user_id === userId);
  if (!call.response.ok) throw new Error(`views.publish failed: ${JSON.stringify(call.response)}`);
  return call.response.view as SimulatedView;
}

function t_ok(status: number): void {
  if (status !== 200) throw new Error(`the app answered ${status}`);
}

async function nameSupervisor(harness: Harness): Promise<void> {
  const form = await openResultsSettings(harness, await harness.home(ADMIN), ADMIN);
  const saved = await harness.post(viewSubmissionBody(form, { userId: ADMIN, values: { supervisors_users: [SUPERVISOR] } }));
  t_ok(saved.status);
}

async function openResultsSettings(harness: Harness, home: SimulatedView, userId: string): Promise<SimulatedView> {
  const since = harness.slack.calls.length;
  await harness.post(
    blockActionsBody(home, {
      blockId: 'settings_actions',
      actionId: 'home_edit_results_settings',
      userId,
      triggerId: harness.slack.issueTriggerId(),
    }),
  );
  return (await harness.slack.waitForCall('views.open', (c) => c.seq >= since)).response.view as SimulatedView;
}

test('a supervisor sees Results with the numbers, the breakdowns and the latest comments escaped; the window buttons switch it', async (t) => {
  const harness = h(t);
  await nameSupervisor(harness);
  const first = await send(harness, { to_user_id: '@jack', external_id: 'ticket_1001' });
  const second = await send(harness, { to_user_id: CUSTOMERS.jill.id_str, external_id: 'ticket_1002' });
  await send(harness, { to_user_id: CUSTOMERS.bigId.id_str });
  await harness.twitter.answer(first.id, { score: 5, text: 'Lovely' });
  await harness.twitter.answer(second.id, { score: 2, text: HOSTILE });

  const home = await harness.home(SUPERVISOR);
  t.truthy(button(home, 'home_show.results'), 'supervisors get the navigation');
  t.false(text(home).includes('settings_actions'), 'but not the admins’ settings');
  const results = await click(harness, home, 'home_nav', 'home_show.results', SUPERVISOR);
  t.true(results.blocks.length <= 100);
  const total = JSON.stringify(block(results, 'results_total'));
  t.regex(total, /67%: 2 of 3 requests sent answered/);
  t.regex(total, /50% satisfied \(4–5\), mean 3\.50: 2 answers/);
  t.regex(
    JSON.stringify(block(results, 'by_agent')),
    new RegExp(`<@${AGENT}>: 2 of 3 answered \\(67%\\) · CSAT 50%, mean 3\\.50 \\(2\\)`),
  );
  t.regex(JSON.stringify(block(results, 'by_question')), /CSAT 0, “What is your overall satisfaction with us\?”/);
  t.regex(JSON.stringify(block(results, 'trend')), /Week of/);
  const comments = results.blocks.filter((b) => String(b.block_id).startsWith('comment_')).map((b) => (b as Block).text.text);
  t.is(comments.length, 2);
  t.true(comments[0].startsWith(`*CSAT 2/5* · ticket_1002 · <@${AGENT}>`), comments[0]);
  t.true(comments[0].includes('Slow &lt;!channel&gt; &amp; &lt;@U0ADMIN001&gt; *bold*'), comments[0]);
  t.false(text(results).includes('<!channel>'));
  t.is(button(results, 'results_export')?.value, '30d');

  const week = await click(harness, results, 'results_window', 'home_show.7d', SUPERVISOR);
  t.regex(JSON.stringify(block(week, 'results_header')), /the last 7 days/);
  t.is(button(week, 'results_export')?.value, '7d');
  t.is(button(week, 'home_show.7d')?.style, 'primary');
  const reopened = await harness.home(SUPERVISOR);
  t.regex(JSON.stringify(block(reopened, 'results_header')), /the last 7 days/, 'App Home opens where it was left');
  const back = await click(harness, reopened, 'home_nav', 'home_show.home', SUPERVISOR);
  t.truthy(block(back, 'recent'));
});

test('an agent never sees a score or a comment: no Results button, and a forged click shows their own Home', async (t) => {
  const harness = h(t);
  const card = await send(harness, { to_user_id: '@jack', external_id: 'ticket_2001' });
  await harness.twitter.answer(card.id, { score: 1, text: 'Never again' });

  const home = await harness.home(AGENT);
  t.is(button(home, 'home_show.results'), undefined);
  t.is(block(home, 'home_nav'), undefined);
  const supervisorHome = await harness.home(ADMIN);
  const results = await click(harness, supervisorHome, 'home_nav', 'home_show.results', ADMIN);
  t.truthy(block(results, 'results_total'), 'an admin is a supervisor');
  for (const [blockId, actionId] of [
    ['home_nav', 'home_show.results'],
    ['results_window', 'home_show.90d'],
  ]) {
    const forged = await click(harness, results, blockId, actionId, AGENT);
    t.is(block(forged, 'results_total'), undefined, actionId);
    t.notRegex(text(forged), /Never again|score|CSAT 1|Results/i, actionId);
    t.regex(text(forged), /ticket_2001/, 'their own send is still listed');
  }
  const reopened = await harness.home(AGENT);
  t.notRegex(text(reopened), /Never again|Results/);
});

test('admins set supervisors, alerts, digest and retention in their own form; errors land on the field; others cannot save', async (t) => {
  const harness = h(t);
  harness.slack.addUsergroup('S0LEADS001', DEFAULTS.teamId, []);
  const adminHome = await harness.home(ADMIN);
  const form = await openResultsSettings(harness, adminHome, ADMIN);
  t.is(form.callback_id, 'results_settings');
  const refused = await harness.post(
    viewSubmissionBody(form, {
      userId: ADMIN,
      values: { supervisors_usergroups: 'support', digest_time_zone: 'Mars/Olympus', retention_days: '5' },
    }),
  );
  t.deepEqual(Object.keys((refused.json as Block).errors).sort(), [
    'digest_time_zone',
    'retention_days',
    'supervisors_usergroups',
  ]);
  t.regex((refused.json as Block).errors.retention_days, /from 30 to 3,650/);

  const saved = await harness.post(
    viewSubmissionBody(form, {
      userId: ADMIN,
      values: {
        supervisors_users: [SUPERVISOR],
        supervisors_usergroups: 'S0LEADS001',
        alerts_channel: ['C0ALERTS01'],
        alerts_csat_at_most: '3',
        digest_channel: ['C0DIGEST01'],
        digest_weekday: '5',
        digest_hour: '16',
        digest_time_zone: 'europe/paris',
        retention_days: '90',
      },
    }),
  );
  t.is(saved.text, '');
  const forged = await harness.post(viewSubmissionBody(form, { userId: AGENT, values: { retention_days: '31' } }));
  t.regex(JSON.stringify(forged.json), /Admins only/);

  const store = await openStore(harness.config.store);
  const settings = await store.records('settings').get<Block>({ teamId: DEFAULTS.teamId }, 'settings');
  t.deepEqual(settings, {
    supervisors: { users: [SUPERVISOR], usergroups: ['S0LEADS001'] },
    alerts: { channel: 'C0ALERTS01', csat_at_most: 3, nps_at_most: 6 },
    digest: { channel: 'C0DIGEST01', weekday: 5, hour: 16, time_zone: 'Europe/Paris' },
    retention_days: 90,
  });
  await store.close();

  const again = await openResultsSettings(harness, await harness.home(ADMIN), ADMIN);
  t.deepEqual(block(again, 'alerts_channel')?.element.initial_conversations, ['C0ALERTS01']);
  const off = await harness.post(viewSubmissionBody(again, { userId: ADMIN, values: { alerts_channel: [] } }));
  t.is(off.text, '');
  const after = await harness.home(ADMIN);
  t.regex(text(after), /Low-score alerts\*\\n_off_/, 'no channel: no alerts');
  t.regex(text(after), /Weekly digest\*\\n<#C0DIGEST01>: Fridays at 16:00 Europe\/Paris/);
  t.regex(JSON.stringify(await openResultsSettings(harness, after, AGENT)), /Admins only/);
});
