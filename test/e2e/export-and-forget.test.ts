import test from 'ava';
import { parse } from 'csv-parse/sync';
import type { Answer } from '../../app/domain/answers.js';
import { CSV_COLUMNS } from '../../app/domain/answers-csv.js';
import { dayOf, ZERO } from '../../app/domain/results.js';
import { parseTwitterTime } from '../../app/domain/twitter-time.js';
import { dayCounters } from '../../app/services/day-counters.js';
import { RESULTS_EXPORT } from '../../app/slack/ids.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { BUSINESS, CUSTOMERS, Harness, OTHER_BUSINESS, OTHER_TOKENS } from '../support/harness.js';
import { blockActionsBody, slashCommandBody } from '../support/slack-requests.js';

const USER = 'twitter-pushes';
const PASSWORD = 'a-webhook-password-of-32-characters';
const SUPERVISOR = 'U0SUPERVI1';
const OTHER_TEAM = 'T0OTHERTM1';
const FORMULA = '=HYPERLINK("https://evil.example","click")';

/**
 * The app with the webhook on, a supervisor named in settings, and answers: one to a card an
 * agent sent from Slack to @jack (its comment a formula), one to a card the business sent
 * with another tool, and one in another workspace, to its own business account.
 */
async function withAnswers(): Promise<{ h: Harness; sentCard: string; outsideCard: string; day: string }> {
  const h = await Harness.start({ env: { TWITTER_WEBHOOK_USER: USER, TWITTER_WEBHOOK_PASSWORD: PASSWORD } });
  h.slack.addUser({ id: SUPERVISOR, teamId: DEFAULTS.teamId, name: 'Sam Supervisor' });
  const store = await openStore(h.config.store);
  await store.records('settings').set({ teamId: DEFAULTS.teamId }, 'settings', {
    supervisors: { users: [SUPERVISOR], usergroups: [] },
  });
  await store.close();
  await h.connectAccount(OTHER_TEAM, OTHER_BUSINESS, OTHER_TOKENS);
  h.twitter.pushTo(h.url.replace(/\/slack\/events$/, '/twitter/feedback-events'), USER, PASSWORD);

  const { view } = await h.command();
  await h.submit(view, { to_user_id: '@jack', message: 'Thanks for chatting!', external_id: 'ticket_5555' });
  await h.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === view.id && (c.args.view as { callback_id?: string }).callback_id === 'feedback_outcome',
  );
  const [sent] = h.twitter.feedback;
  await h.twitter.answer(sent.id, { score: 2, text: FORMULA });
  const outside = h.twitter.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMERS.jill.id_str, type: 'nps' });
  await h.twitter.answer(outside.id, { score: 10, text: '@everyone loved it' });
  const theirs = h.twitter.addCard({ from_user_id: OTHER_BUSINESS.id_str, to_user_id: CUSTOMERS.jill.id_str });
  await h.twitter.answer(theirs.id, { score: 5, text: 'Globex only' });
  allPushesTaken(h);
  return { h, sentCard: sent.id, outsideCard: outside.id, day: dayOf(parseTwitterTime(sent.created_at)!) };
}

function allPushesTaken(h: Harness): void {
  const refused = h.twitter.pushes.filter((p) => p.status !== 200);
  if (refused.length > 0) throw new Error(`pushes refused: ${JSON.stringify(refused.map((p) => p.status))}`);
}

async function command(h: Harness, text: string, userId: string) {
  const responseUrl = h.slack.responseUrl();
  const response = await h.post(slashCommandBody({ text, userId, responseUrl }));
  return { response, responseUrl, text: (response.json as { text?: string } | undefined)?.text ?? '' };
}

/** The CSV shared by the last completed upload, parsed, with where it was shared. */
async function sharedCsv(h: Harness) {
  const completed = await h.slack.waitForCall('files.completeUploadExternal');
  must(completed.response.ok, JSON.stringify(completed.response));
  const [entry] = completed.args.files as Array<{ id: string }>;
  const file = h.slack.file(entry.id)!;
  const text = file.bytes!.toString('utf8');
  return { file, text, rows: parse(text, { bom: true, columns: true }) as Array<Record<string, string>> };
}

function must(value: unknown, message: string): void {
  if (!value) throw new Error(message);
}

test('a supervisor exports: the CSV arrives in their DM with the app, one row per card of this workspace, formulas neutralised', async (t) => {
  const { h, sentCard, outsideCard } = await withAnswers();
  t.teardown(() => h.close());
  const { response, text } = await command(h, 'export 7d', SUPERVISOR);
  t.is(response.status, 200);
  t.regex(text, /Exporting the answers to cards sent .* DM with the app/);

  const { file, text: csv, rows } = await sharedCsv(h);
  t.is(file.teamId, DEFAULTS.teamId);
  t.true(file.completed);
  t.regex(file.filename, /^feedback-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const [share] = file.shares;
  const opened = await h.slack.waitForCall('conversations.open');
  t.is(opened.args.users, SUPERVISOR);
  t.is(share.channel, (opened.response.channel as { id: string }).id);
  t.regex(share.initialComment ?? '', /2 rows, one per card/);

  t.deepEqual(csv.slice(1).split('\r\n')[0], CSV_COLUMNS.join(','));
  const byId = new Map(rows.map((row) => [row.feedback_id, row]));
  t.deepEqual([...byId.keys()].sort(), [sentCard, outsideCard].sort(), "this workspace's cards only, once each");
  t.like(byId.get(sentCard), {
    type: 'csat',
    score: '2',
    comment: `'${FORMULA}`,
    external_id: 'ticket_5555',
    agent: DEFAULTS.userId,
    customer_id: CUSTOMERS.jack.id_str,
    customer_handle: 'jack',
    account: BUSINESS.id_str,
    test: 'false',
    source: 'app',
  });
  t.regex(byId.get(sentCard)!.question, /Acme Support/);
  t.like(byId.get(outsideCard), { type: 'nps', score: '10', comment: "'@everyone loved it", source: 'outside' });
  t.false(csv.includes('Globex only'), "another workspace's answer never appears");
});

test('an agent who is not a supervisor is refused and no file is made', async (t) => {
  const { h } = await withAnswers();
  t.teardown(() => h.close());
  const { text } = await command(h, 'export', DEFAULTS.userId);
  t.regex(text, /^Nothing was exported: answers are for supervisors only/);
  // A button click, forged or from a page opened before the person stopped being a supervisor.
  const since = h.slack.calls.length;
  await h.post(
    blockActionsBody(resultsPage(), { blockId: 'results_actions', userId: DEFAULTS.userId, triggerId: h.slack.issueTriggerId() }),
  );
  const refusal = await h.slack.waitForCall('views.open', (c) => c.seq >= since);
  t.regex(JSON.stringify(refusal.args.view), /Supervisors only/);
  await h.stopApp();
  t.deepEqual(h.slack.callsTo('files.getUploadURLExternal'), []);
  t.deepEqual(h.slack.callsTo('files.completeUploadExternal'), []);
  t.deepEqual(h.slack.callsTo('conversations.open'), []);
});

/** The Results page's Export CSV button, as the page shows it. */
function resultsPage(): SimulatedView {
  return {
    id: 'V0RESULTS1',
    team_id: DEFAULTS.teamId,
    type: 'home',
    blocks: [
      {
        type: 'actions',
        block_id: 'results_actions',
        elements: [{ type: 'button', action_id: RESULTS_EXPORT, value: '30d', text: { type: 'plain_text', text: 'Export CSV' } }],
      },
    ],
  } as unknown as SimulatedView;
}

test("Results' Export CSV button sends a supervisor the same file", async (t) => {
  const { h, sentCard, outsideCard } = await withAnswers();
  t.teardown(() => h.close());
  await h.post(
    blockActionsBody(resultsPage(), { blockId: 'results_actions', userId: SUPERVISOR, triggerId: h.slack.issueTriggerId() }),
  );
  const { rows, file } = await sharedCsv(h);
  t.deepEqual(rows.map((row) => row.feedback_id).sort(), [sentCard, outsideCard].sort());
  t.regex(file.filename, /\.csv$/);
});

test('a period that is not one is explained, and nothing is exported', async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.slack.addUser({ id: SUPERVISOR, teamId: DEFAULTS.teamId, isAdmin: true });
  t.regex((await command(h, 'export 2025-02-30..2025-03-31', SUPERVISOR)).text, /`2025-02-30` is not a day/);
  t.regex((await command(h, 'export 2025-04-01..2025-03-01', SUPERVISOR)).text, /starts after it ends/);
  t.regex((await command(h, 'export 2020-01-01..2025-01-01', SUPERVISOR)).text, /at most 731/);
  t.regex((await command(h, 'export 14d', SUPERVISOR)).text, /is not a period/);
  await h.stopApp();
  t.deepEqual(h.slack.callsTo('files.getUploadURLExternal'), []);
});

/** What the workspace keeps of a card, read beside the app. */
async function kept(h: Harness, feedbackId: string, day: string) {
  const store = await openStore(h.config.store);
  try {
    return {
      answer: await store.records('answers').get<Answer>({ teamId: DEFAULTS.teamId }, feedbackId),
      counters: (await dayCounters(store, DEFAULTS.teamId, [day])).get(day),
    };
  } finally {
    await store.close();
  }
}

test('an admin forgets @jack: every record about them goes, the count is said, the figures follow, and Twitter cannot bring it back', async (t) => {
  const { h, sentCard, outsideCard, day } = await withAnswers();
  t.teardown(() => h.close());
  h.slack.addUser({ id: 'U0ADMIN001', teamId: DEFAULTS.teamId, isAdmin: true });
  // A one-line command waiting for Send also names @jack.
  const waiting = await command(h, 'csat @jack Thanks again', DEFAULTS.userId);
  t.regex(JSON.stringify(waiting.response.json), /confirm_send/);

  const refused = await command(h, 'forget @jack', SUPERVISOR);
  t.regex(refused.text, /^Nothing was deleted: only workspace admins/);
  t.truthy((await kept(h, sentCard, day)).answer);

  const { text, responseUrl } = await command(h, 'forget @Jack', 'U0ADMIN001');
  t.regex(text, /Deleting everything the app keeps about @Jack/);
  const said = await h.slack.waitForCall('response_url', (c) => c.url === responseUrl);
  t.regex(
    said.args.text as string,
    /^Deleted 3 records about @Jack in this workspace: 1 answer, 1 send record and 1 confirmation waiting to be sent\./,
  );
  const after = await kept(h, sentCard, day);
  t.is(after.answer, undefined);
  // What is left counts only the outside card's answer: nothing of @jack's card, sent or answered.
  t.deepEqual(after.counters, { ...ZERO, nps_answered: 1, nps_promoters: 1, nps_sum: 10, comments: 1 });
  t.truthy((await kept(h, outsideCard, day)).answer, "another customer's answer stays");

  // Jack changes the score on the old card: Twitter pushes it, and it is not stored again.
  await h.twitter.answer(sentCard, { score: 1 });
  allPushesTaken(h);
  t.is((await kept(h, sentCard, day)).answer, undefined);
  const again = await command(h, 'forget 343434343434', 'U0ADMIN001');
  const second = await h.slack.waitForCall('response_url', (c) => c.url === again.responseUrl);
  t.regex(second.args.text as string, /kept nothing about the customer with user id 343434343434/);
});
