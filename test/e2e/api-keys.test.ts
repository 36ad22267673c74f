import KeyvSqlite from '@keyv/sqlite';
import test, { type ExecutionContext } from 'ava';
import { ApiKeys } from '../../app/services/api-keys.js';
import { claimLock } from '../../app/store/lock.js';
import { openStore } from '../../app/store/store.js';
import { validateView } from '../simulators/block-kit.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { createApiKey, openCreateKey, shownKey, submitKeyName } from '../support/api-keys.js';
import { Harness } from '../support/harness.js';
import { blockActionsBody } from '../support/slack-requests.js';

const ADMIN = 'U0ADMIN001';
const AGENT = DEFAULTS.userId;

const h = (t: ExecutionContext) => t.context as Harness;
test.beforeEach(async (t) => {
  const harness = await Harness.start();
  harness.slack.addUser({ id: ADMIN, teamId: DEFAULTS.teamId, isAdmin: true, realName: 'Ada Admin' });
  t.context = harness;
});
test.afterEach.always(async (t) => {
  await h(t).close();
});

const text = (view: SimulatedView) => JSON.stringify(view.blocks);

/** Everything the store holds, as text: what someone who reads the database would see. */
async function storeDump(harness: Harness): Promise<string> {
  const raw = new KeyvSqlite(harness.config.store.storeUrl);
  try {
    return JSON.stringify(await raw.query('SELECT key, value FROM keyv'));
  } finally {
    await raw.disconnect();
  }
}

async function revoke(harness: Harness, home: SimulatedView, userId: string, blockId: string): Promise<SimulatedView> {
  const since = harness.slack.calls.length;
  await harness.post(blockActionsBody(home, { blockId, actionId: 'home_revoke_api_key', userId }));
  return (await harness.slack.waitForCall('views.publish', (c) => c.seq >= since && c.args.user_id === userId)).response
    .view as SimulatedView;
}

test.serial('an admin creates a named key: it is shown once, in the modal, and stored only as its hash', async (t) => {
  const harness = h(t);
  const before = await harness.home(ADMIN);
  t.regex(text(before), /API keys/);
  t.regex(text(before), /No key yet/);

  const modal = await openCreateKey(harness, ADMIN);
  const since = harness.slack.calls.length;
  const response = await submitKeyName(harness, modal, ADMIN, '  Zendesk  ');
  t.is((response.json as { response_action: string }).response_action, 'update');
  t.deepEqual(validateView((response.json as { view: unknown }).view), []);
  const key = shownKey(response) ?? '';
  t.regex(key, new RegExp(`^twfb_${DEFAULTS.teamId}_[A-Za-z0-9_-]{43}$`));
  t.regex(response.text, /shown only this once/);

  // App Home lists it by name, with who made it, and never the key.
  const published = await harness.slack.waitForCall('views.publish', (c) => c.seq >= since && c.args.user_id === ADMIN);
  const home = published.response.view as SimulatedView;
  t.regex(text(home), /\*Zendesk\*/);
  t.regex(text(home), new RegExp(`by <@${ADMIN}> · never used`));
  t.false(text(home).includes(key));
  t.false(JSON.stringify(harness.slack.calls).replace(response.text, '').includes(key), 'no call to Slack carries the key');

  const dump = await storeDump(harness);
  t.false(dump.includes(key), 'the store never holds the key');
  t.false(dump.includes(key.slice(-43)), 'nor its secret part');

  const again = await createApiKey(harness, ADMIN, 'Freshdesk');
  t.not(again, key);
  t.regex(text(await harness.home(ADMIN)), /Zendesk[\s\S]*Freshdesk/);
});

test.serial('a key needs a name of at most 50 characters; the error lands on the name', async (t) => {
  const harness = h(t);
  const modal = await openCreateKey(harness, ADMIN);
  for (const [name, error] of [
    [null, /Name the key after what will use it/],
    ['   ', /Name the key after what will use it/],
    ['x'.repeat(51), /At most 50 characters \(this one has 51\)/],
  ] as const) {
    const response = await submitKeyName(harness, modal, ADMIN, name);
    const json = response.json as { response_action: string; errors: Record<string, string> };
    t.is(json.response_action, 'errors');
    t.regex(json.errors.api_key_name, error);
  }
  t.regex(text(await harness.home(ADMIN)), /No key yet/);
});

test.serial('only admins see the keys, create them or revoke them', async (t) => {
  const harness = h(t);
  await createApiKey(harness, ADMIN, 'Zendesk');
  const agentHome = await harness.home(AGENT);
  t.notRegex(text(agentHome), /API keys|Zendesk/);

  // An agent who forges clicks on an admin's App Home gets nowhere.
  const adminHome = await harness.home(ADMIN);
  const refused = await openCreateKey(harness, AGENT, adminHome);
  t.regex(text(refused), /Only workspace admins/);
  const keyBlock = adminHome.blocks.find((b) => JSON.stringify(b).includes('*Zendesk*'));
  await harness.post(
    blockActionsBody(adminHome, { blockId: String(keyBlock?.block_id), actionId: 'home_revoke_api_key', userId: AGENT }),
  );
  // Stopping lets the click's work finish: what the store then holds is settled.
  await harness.stopApp();
  const store = await openStore(harness.config.store);
  try {
    const keys = new ApiKeys({ records: store.records('api-keys'), lock: claimLock(store), store, perMinute: 1 });
    t.deepEqual(
      (await keys.list(DEFAULTS.teamId)).map((k) => k.name),
      ['Zendesk'],
      'still there',
    );
  } finally {
    await store.close();
  }
});

test.serial('an admin revokes a key (after Slack’s own confirmation); App Home no longer lists it', async (t) => {
  const harness = h(t);
  await createApiKey(harness, ADMIN, 'Zendesk');
  await createApiKey(harness, ADMIN, 'Freshdesk');
  const home = await harness.home(ADMIN);
  const zendesk = home.blocks.find((b) => JSON.stringify(b).includes('*Zendesk*'))!;
  t.truthy((zendesk as { accessory?: { confirm?: unknown } }).accessory?.confirm, 'Slack asks before revoking');
  const after = await revoke(harness, home, ADMIN, String(zendesk.block_id));
  t.notRegex(text(after), /Zendesk/);
  t.regex(text(after), /Freshdesk/);
});

test.serial('a workspace has at most 10 keys in use; revoking one makes room', async (t) => {
  const harness = h(t);
  for (let i = 1; i <= 10; i++) await createApiKey(harness, ADMIN, `Helpdesk ${i}`);
  const modal = await openCreateKey(harness, ADMIN);
  const refused = await submitKeyName(harness, modal, ADMIN, 'One too many');
  t.regex((refused.json as { errors: Record<string, string> }).errors.api_key_name, /at most 10 keys: revoke one first/);
  // Slack (simulated) refuses a view over its limits, which harness.home reports.
  const home = await harness.home(ADMIN);
  const first = home.blocks.find((b) => JSON.stringify(b).includes('*Helpdesk 1*'))!;
  await revoke(harness, home, ADMIN, String(first.block_id));
  t.truthy(await createApiKey(harness, ADMIN, 'Room again'));
});
