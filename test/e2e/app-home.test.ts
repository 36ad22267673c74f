import KeyvSqlite from '@keyv/sqlite';
import test, { type ExecutionContext } from 'ava';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { BUSINESS, CUSTOMERS, Harness, OTHER_BUSINESS, OTHER_TOKENS, SECRETS } from '../support/harness.js';
import { questionText } from '../../app/domain/variants.js';
import { blockActionsBody, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';

type Block = Record<string, any>;

const ADMIN = 'U0ADMIN001';
const AGENT = DEFAULTS.userId;
const OTHER_AGENT = 'U0AGENT002';
const PUBLIC_URL = 'https://feedback.example';

const h = (t: ExecutionContext) => t.context as Harness;
test.beforeEach(async (t) => {
  const harness = await Harness.start({ env: { PUBLIC_URL } });
  harness.slack.addUser({ id: ADMIN, teamId: DEFAULTS.teamId, isAdmin: true, realName: 'Ada Admin' });
  harness.slack.addUser({ id: OTHER_AGENT, teamId: DEFAULTS.teamId, realName: 'Omar Agent' });
  t.context = harness;
});
test.afterEach.always(async (t) => {
  await h(t).close();
});

const text = (view: SimulatedView) => JSON.stringify(view.blocks);
const blockIds = (view: SimulatedView) => view.blocks.map((b) => b.block_id);

function button(view: SimulatedView, actionId: string): Block | undefined {
  for (const block of view.blocks as Block[]) {
    for (const element of [block.accessory, ...(block.elements ?? [])]) if (element?.action_id === actionId) return element;
  }
  return undefined;
}

async function sendAs(harness: Harness, userId: string, values: Record<string, string>) {
  const { view } = await harness.command('', { userId });
  const response = await harness.post(
    viewSubmissionBody(harness.slack.view(view.id)!, { userId, values: { message: 'How did we do?', ...values } }),
  );
  return { view, response };
}

/** The keys of the records kept for connecting Twitter accounts. */
async function connectRecords(harness: Harness): Promise<string[]> {
  const raw = new KeyvSqlite(harness.config.store.storeUrl);
  try {
    const rows: Array<{ key: string }> = await raw.query("SELECT key FROM keyv WHERE key LIKE 'twitter-connect:%'");
    return rows.map((row) => row.key);
  } finally {
    await raw.disconnect();
  }
}

test('an admin’s App Home lists the accounts and the settings; opening it makes no connect link', async (t) => {
  const harness = h(t);
  const view = await harness.home(ADMIN);
  t.true(text(view).includes(`@${BUSINESS.screen_name}`));
  t.true(blockIds(view).includes('settings'));
  const connect = button(view, 'home_connect');
  t.is(connect?.text.text, 'Connect Twitter account');
  t.is(connect?.url, undefined);
  await harness.home(ADMIN);
  t.deepEqual(await connectRecords(harness), []);
});

test('Connect makes a single-use link when clicked, for an admin only, and shows it in a modal', async (t) => {
  const harness = h(t);
  const home = await harness.home(ADMIN);
  const click = async (userId: string) => {
    const since = harness.slack.calls.length;
    const triggerId = harness.slack.issueTriggerId();
    await harness.post(blockActionsBody(home, { blockId: 'connect', actionId: 'home_connect', userId, triggerId }));
    const opened = await harness.slack.waitForCall('views.open', (c) => c.seq >= since);
    t.true(opened.response.ok, JSON.stringify(opened.response));
    return opened.response.view as SimulatedView;
  };
  const modal = await click(ADMIN);
  const link = button(modal, 'connect_link')?.url ?? '';
  t.regex(link, new RegExp(`^${PUBLIC_URL}/twitter/connect\\?link=[A-Za-z0-9_-]{43}$`));
  t.regex(text(modal), /only then is the account connected/);
  t.is((await connectRecords(harness)).length, 1);
  t.not(button(await click(ADMIN), 'connect_link')?.url, link, 'each click makes a new link');

  // The click on the link itself is only acknowledged.
  const acked = await harness.post(blockActionsBody(modal, { blockId: 'connect_link', actionId: 'connect_link', userId: ADMIN }));
  t.is(acked.status, 200);

  const refused = await click(OTHER_AGENT);
  t.is(button(refused, 'connect_link'), undefined);
  t.regex(text(refused), /Only workspace admins/);
  t.is((await connectRecords(harness)).length, 2);
});

test('an agent’s App Home shows their own requests, never scores, and nothing of the admins’', async (t) => {
  const harness = h(t);
  const { view } = await sendAs(harness, AGENT, { to_user_id: '@jack', external_id: 'ticket_42' });
  await harness.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === view.id && (c.args.view as Block).callback_id === 'feedback_outcome',
  );
  const home = await harness.home(AGENT);
  t.regex(text(home), /CSAT to @jack · ticket_42 · :white_check_mark: sent/);
  t.false(blockIds(home).includes('settings'));
  t.is(button(home, 'home_connect'), undefined);
  t.notRegex(text(home), /score/i);
  const other = await harness.home(OTHER_AGENT);
  t.regex(text(other), /None yet/, 'another agent does not see it');
});

test('settings are checked field by field, saved, and take effect at once', async (t) => {
  const harness = h(t);
  const home = await harness.home(ADMIN);
  const since = harness.slack.calls.length;
  await harness.post(
    blockActionsBody(home, {
      blockId: 'settings_actions',
      actionId: 'home_edit_settings',
      userId: ADMIN,
      triggerId: harness.slack.issueTriggerId(),
    }),
  );
  const opened = await harness.slack.waitForCall('views.open', (c) => c.seq >= since);
  const form = opened.response.view as SimulatedView;
  t.is(form.callback_id, 'settings');

  const refused = await harness.post(
    viewSubmissionBody(form, {
      userId: ADMIN,
      values: {
        privacy_url: 'acme.example',
        display_name: 'x'.repeat(21),
        recipient_days: '0',
        ticket_pattern: '(',
        allowlist: 'not a handle!',
      },
    }),
  );
  const errors = (refused.json as Block).errors;
  t.deepEqual(Object.keys(errors).sort(), ['allowlist', 'display_name', 'privacy_url', 'recipient_days', 'ticket_pattern']);

  const saved = await harness.post(
    viewSubmissionBody(form, {
      userId: ADMIN,
      values: {
        privacy_url: 'https://acme.example/new-privacy',
        display_name: 'Acme Care',
        type: 'nps',
        question_variant_id: '2',
        message: 'Hi, {agent} here about {ticket}. How did we do?',
      },
    }),
  );
  t.is(saved.status, 200);
  t.is(saved.text, '');
  const { view } = await harness.command('ticket 5555');
  const initial = (id: string) => (view.blocks.find((b) => b.block_id === id) as Block).element;
  t.is(initial('privacy_url').initial_value, 'https://acme.example/new-privacy');
  t.is(initial('display_name').initial_value, 'Acme Care');
  t.is(initial('type').initial_option.value, 'nps');
  t.is(initial('question_variant_id').initial_option.value, '2');
  t.is(
    initial('message').initial_value,
    `Hi, ${DEFAULTS.userName} here about ticket_5555. How did we do?`,
    '{agent} and {ticket} filled in',
  );
});

test('where an admin has chosen no survey, CSAT is the default in the form, the settings and App Home', async (t) => {
  const harness = h(t);
  const store = await openStore(harness.config.store);
  await store.records('settings').set({ teamId: DEFAULTS.teamId }, 'settings', { display_name: 'Acme Care' });
  await store.close();

  const { view } = await harness.command('@jack');
  const element = (v: SimulatedView, id: string) => (v.blocks.find((b) => b.block_id === id) as Block).element;
  t.is(element(view, 'type').initial_option.value, 'csat');
  t.is(element(view, 'question_variant_id').initial_option.value, '0');
  t.is((view.blocks.find((b) => b.block_id === 'preview') as Block).text.text, questionText('csat', 0, 'Acme Care'));

  const home = await harness.home(ADMIN);
  t.regex(text(home), /Default survey\*\\nCSAT, question 0/);
  const form = await harness.openSettings(home, ADMIN);
  t.is(element(form, 'type').initial_option.value, 'csat');
  t.is(element(form, 'question_variant_id').initial_value, '0');
});

test('an admin may make any of NPS questions 0–9 the default; 10 is refused on its field', async (t) => {
  const harness = h(t);
  const home = await harness.home(ADMIN);
  const form = await harness.openSettings(home, ADMIN);
  t.is(
    (form.blocks.find((b) => b.block_id === 'question_variant_id') as Block).hint.text,
    'CSAT 0–37, NPS 0–9: as listed in the feedback form.',
  );

  const refused = await harness.post(
    viewSubmissionBody(form, { userId: ADMIN, values: { type: 'nps', question_variant_id: '10' } }),
  );
  t.deepEqual(Object.keys((refused.json as Block).errors), ['question_variant_id']);
  const saved = await harness.post(
    viewSubmissionBody(form, { userId: ADMIN, values: { type: 'nps', question_variant_id: '9' } }),
  );
  t.is(saved.text, '');
  const { view } = await harness.command();
  const initial = (id: string) => (view.blocks.find((b) => b.block_id === id) as Block).element;
  t.is(initial('type').initial_option.value, 'nps');
  t.is(initial('question_variant_id').initial_option.value, '9');
  t.is(
    (view.blocks.find((b) => b.block_id === 'preview') as Block).text.text,
    `How likely are you to recommend your experience with ${BUSINESS.name} to a friend?`,
  );
});

test('a non-admin cannot open or save the settings, nor disconnect an account', async (t) => {
  const harness = h(t);
  const adminHome = await harness.home(ADMIN);
  t.regex(JSON.stringify(await harness.openSettings(adminHome, AGENT)), /Admins only/);

  // What an agent could replay from a form or a Home tab an admin had open.
  const form = await harness.openSettings(adminHome, ADMIN);
  const saved = await harness.post(viewSubmissionBody(form, { userId: AGENT, values: { display_name: 'Forged Name' } }));
  t.is((saved.json as Block | undefined)?.response_action, 'update');
  t.regex(JSON.stringify(saved.json), /Admins only/);
  await harness.post(
    blockActionsBody(adminHome, { blockId: `account_${BUSINESS.id_str}`, actionId: 'home_disconnect', userId: AGENT }),
  );
  await harness.stopApp();

  const store = await openStore(harness.config.store);
  try {
    t.is(await store.records('settings').get({ teamId: DEFAULTS.teamId }, 'settings'), undefined, 'no settings were saved');
    t.deepEqual(
      (await store.accounts.list({ teamId: DEFAULTS.teamId })).map((a) => a.user_id),
      [BUSINESS.id_str],
    );
  } finally {
    await store.close();
  }
});

test('a person named in settings as an admin can open and save the settings', async (t) => {
  const harness = h(t);
  const store = await openStore(harness.config.store);
  await store.records('settings').set({ teamId: DEFAULTS.teamId }, 'settings', { admins: [OTHER_AGENT] });
  await store.close();
  const form = await harness.openSettings(await harness.home(OTHER_AGENT), OTHER_AGENT);
  t.is(form.callback_id, 'settings');
  const saved = await harness.post(viewSubmissionBody(form, { userId: OTHER_AGENT, values: { display_name: 'Acme Care' } }));
  t.is(saved.text, '', 'accepted');
  const { view } = await harness.command();
  t.is((view.blocks.find((b) => b.block_id === 'display_name') as Block).element.initial_value, 'Acme Care');
});

test('when only listed people may send, everyone else is refused at every entry point and nothing is sent', async (t) => {
  const harness = h(t);
  const { view: openBefore } = await harness.command();
  const store = await openStore(harness.config.store);
  const settings = store.records('settings');
  await settings.set({ teamId: DEFAULTS.teamId }, 'settings', {
    senders: { mode: 'listed', users: [OTHER_AGENT], usergroups: [] },
  });
  await store.close();

  const { view } = await harness.command();
  t.regex(JSON.stringify(view.blocks), /limited to certain people/);
  const command = await harness.post(slashCommandBody({ text: 'csat @jack Thanks!', responseUrl: harness.slack.responseUrl() }));
  t.regex((command.json as Block).text, /limited to certain people/);
  const submitted = await harness.post(viewSubmissionBody(openBefore, { values: { to_user_id: '@jack', message: 'Hi' } }));
  t.regex(JSON.stringify(submitted.json), /limited to certain people/);
  t.is(harness.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 0);

  const allowed = await sendAs(harness, OTHER_AGENT, { to_user_id: CUSTOMERS.jack.id_str });
  t.is((allowed.response.json as Block).response_action, 'update');
  const [created] = await harness.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
  t.is(created.form.to_user_id, CUSTOMERS.jack.id_str);
});

test('an account whose tokens Twitter refuses is flagged in App Home; disconnecting removes it', async (t) => {
  const harness = h(t);
  harness.twitter.revokeToken(SECRETS.accessToken);
  const { view } = await sendAs(harness, AGENT, { to_user_id: CUSTOMERS.jack.id_str });
  await harness.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === view.id && (c.args.view as Block).callback_id === 'feedback_outcome',
  );
  const home = await harness.home(ADMIN);
  t.regex(text(home), /Twitter refused its tokens/);

  const since = harness.slack.calls.length;
  await harness.post(
    blockActionsBody(home, { blockId: `account_${BUSINESS.id_str}`, actionId: 'home_disconnect', userId: ADMIN }),
  );
  const republished = await harness.slack.waitForCall('views.publish', (c) => c.seq >= since);
  t.regex(JSON.stringify(republished.args.view), /No Twitter account is connected/);
  const { view: after } = await harness.command();
  t.regex(JSON.stringify(after.blocks), /No Twitter account is connected/);
});

test('with several accounts the form asks Send as, and the request goes out as the chosen one', async (t) => {
  const harness = h(t);
  await harness.connectAccount(DEFAULTS.teamId, OTHER_BUSINESS, OTHER_TOKENS);
  const { view } = await harness.command();
  const sendAsBlock = view.blocks.find((b) => b.block_id === 'send_as') as Block;
  t.deepEqual(sendAsBlock.element.options.map((o: Block) => o.value).sort(), [BUSINESS.id_str, OTHER_BUSINESS.id_str].sort());
  const switched = await harness.change(view, 'send_as', OTHER_BUSINESS.id_str);
  t.is((switched.blocks.find((b) => b.block_id === 'preview') as Block).text.text, questionText('csat', 0, OTHER_BUSINESS.name));
  await harness.submit(switched, { send_as: OTHER_BUSINESS.id_str, to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' });
  const [created] = await harness.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
  t.is(created.oauth.oauth_token, OTHER_TOKENS.access_token);
});

test('a member of a listed user group may send; others may not', async (t) => {
  const harness = h(t);
  harness.slack.addUsergroup('S0SUPPORT1', DEFAULTS.teamId, [OTHER_AGENT]);
  const store = await openStore(harness.config.store);
  await store
    .records('settings')
    .set({ teamId: DEFAULTS.teamId }, 'settings', { senders: { mode: 'listed', users: [], usergroups: ['S0SUPPORT1'] } });
  await store.close();
  const member = await harness.command('', { userId: OTHER_AGENT });
  t.is(member.view.callback_id, 'feedback');
  const outsider = await harness.command('', { userId: AGENT });
  t.regex(JSON.stringify(outsider.view.blocks), /limited to certain people/);
  const admin = await harness.command('', { userId: ADMIN });
  t.is(admin.view.callback_id, 'feedback', 'admins always may');
});

test('an account chosen under Send as and disconnected meanwhile is never replaced by another', async (t) => {
  const harness = h(t);
  await harness.connectAccount(DEFAULTS.teamId, OTHER_BUSINESS, OTHER_TOKENS);
  const { view } = await harness.command();
  const store = await openStore(harness.config.store);
  await store.accounts.remove({ teamId: DEFAULTS.teamId }, OTHER_BUSINESS.id_str);
  await store.close();
  const answer = await harness.submit(view, { send_as: OTHER_BUSINESS.id_str, to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' });
  t.regex(JSON.stringify(answer.json), /No Twitter account is connected/);
  t.is(harness.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 0);
});
