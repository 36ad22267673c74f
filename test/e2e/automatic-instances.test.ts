import test from 'ava';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../../app/config.js';
import type { AutomaticRequest, AutomaticRequests } from '../../app/services/automatic-requests.js';
import type { Store } from '../../app/store/store.js';
import { DEFAULTS } from '../simulators/slack.js';
import type { TwitterSimulator } from '../simulators/twitter.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';
import { automaticRequestsOn } from '../support/automatic.js';
import { appEnv, BUSINESS, BUSINESS_TOKENS, PRIVACY_URL, startSimulators } from '../support/harness.js';
import { eachBackend, openTestStore } from '../support/stores.js';
import { temporaryDir } from '../support/temporary.js';

const isCreate = (r: { path: string }) => r.path === '/1.1/feedback/create.json';

/** Customers Twitter knows, one per request: the per-customer limit lets each be asked once. */
function customers(twitter: TwitterSimulator, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const id = String(5_000_000_000 + i);
    twitter.addUser({ id_str: id, screen_name: `customer${i}`, name: `Customer ${i}` });
    return id;
  });
}

/** Files one request per customer, all due at `at`, as a helpdesk's calls would. */
async function schedule(automatic: AutomaticRequests, ids: string[], at: Date): Promise<string[]> {
  const made: string[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const answers = await Promise.all(
      ids
        .slice(i, i + 50)
        .map((customer) =>
          automatic.submit(
            DEFAULTS.teamId,
            { customer, external_id: `T-${customer}`, send_after: at.toISOString() },
            { source: 'api' },
          ),
        ),
    );
    for (const answer of answers) {
      if (!answer.ok) throw new Error(JSON.stringify(answer.errors));
      made.push(answer.request.id);
    }
  }
  return made;
}

async function allSettled(automatic: AutomaticRequests, ids: string[], timeoutMs = 240_000): Promise<AutomaticRequest[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const requests = await Promise.all(ids.map((id) => automatic.get(DEFAULTS.teamId, id)));
    const open = requests.filter((r) => !r || r.status === 'scheduled' || r.status === 'sending');
    if (!open.length) return requests as AutomaticRequest[];
    if (Date.now() > deadline) throw new Error(`${open.length} of ${ids.length} requests were never settled`);
    await delay(1000);
  }
}

async function stop(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null) return;
  app.child.kill('SIGTERM');
  await once(app.child, 'exit');
}

async function withAccount(env: Record<string, string>): Promise<Store> {
  const store = await openTestStore(loadConfig(env).store);
  await store.accounts.add(
    { teamId: DEFAULTS.teamId },
    { user_id: BUSINESS.id_str, screen_name: BUSINESS.screen_name, name: BUSINESS.name, tokens: BUSINESS_TOKENS },
  );
  return store;
}

eachBackend((backend, test) => {
  test('two app instances on one store send 1,000 automatic requests due in the same second, each exactly once', async (t) => {
    // A thousand sends through two processes and the simulators take a while on a machine busy with the other tests.
    t.timeout(300_000);
    const dir = temporaryDir(t, 'feedback-automatic-');
    const { slack, twitter } = await startSimulators();
    const storeUrl = await backend.shared();
    const env = appEnv(slack, twitter, storeUrl);
    const store = await withAccount(env);
    const apps: AppProcess[] = [];
    try {
      apps.push(...(await Promise.all([startAppProcess(env, dir), startAppProcess(env, dir)])));
      const automatic = automaticRequestsOn(store, PRIVACY_URL, slack.apiUrl);
      const due = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000);
      const ids = await schedule(automatic, customers(twitter, 1000), due);
      await twitter.waitForRequests(isCreate, { count: 1000, timeoutMs: 280_000 });
      // Stopping lets every run under way settle what it sent; only then are the records read.
      await Promise.all(apps.map(stop));
      const requests = await allSettled(automatic, ids, 1_000);
      const creates = twitter.requests.filter(isCreate);
      t.is(creates.length, 1000);
      t.is(new Set(creates.map((r) => r.form.to_user_id)).size, 1000, 'every customer asked once');
      t.deepEqual([...new Set(requests.map((r) => r.status))], ['sent']);
      t.is(new Set(requests.map((r) => r.feedback_id)).size, 1000);
      t.true(
        creates.every((r) => r.receivedAt.getTime() >= due.getTime()),
        'none before its time',
      );
    } finally {
      await Promise.all(apps.map(stop));
      await store.close();
      await Promise.all([slack.close(), twitter.close()]);
    }
  });
});

test('a process killed mid-run sends nothing twice, and the rest go out after the restart', async (t) => {
  t.timeout(300_000);
  const dir = temporaryDir(t, 'feedback-automatic-kill-');
  const { slack, twitter } = await startSimulators();
  const storeUrl = `sqlite://${path.join(dir, 'feedback.sqlite')}`;
  // A taken request whose taker died is taken over after this; sends it left pending are settled after it too.
  const env = { ...appEnv(slack, twitter, storeUrl), PENDING_GRACE_SECONDS: '5' };
  const store = await withAccount(env);
  let app: AppProcess | undefined;
  try {
    const automatic = automaticRequestsOn(store, PRIVACY_URL, slack.apiUrl);
    const ids = await schedule(automatic, customers(twitter, 150), new Date());
    // Twitter answers slowly: the run is still under way when the process dies.
    twitter.delay(30);
    app = await startAppProcess(env, dir);
    await twitter.waitForRequests(isCreate, { count: 30 });
    app.child.kill('SIGKILL');
    await once(app.child, 'exit');
    const before = twitter.requests.filter(isCreate).length;
    t.true(before < 150, 'killed mid-run');
    twitter.delay(0);
    // Until what it held counts as interrupted.
    await delay(5500);

    app = await startAppProcess(env, dir);
    const requests = await allSettled(automatic, ids);
    await stop(app);
    const creates = twitter.requests.filter(isCreate);
    const asked = creates.map((r) => r.form.to_user_id);
    t.is(new Set(asked).size, asked.length, 'no customer asked twice');
    const sent = requests.filter((r) => r.status === 'sent');
    const unknown = requests.filter((r) => r.status === 'unknown');
    t.is(sent.length + unknown.length, 150, JSON.stringify(requests.filter((r) => r.status === 'not_sent').slice(0, 3)));
    t.true(creates.length > before, 'the rest went out after the restart');
    t.true(sent.length >= creates.length - unknown.length);
    // Only what was in flight at the kill is unknown; it is said in plain words.
    t.true(unknown.length <= 25, 'at most one batch was in flight');
    for (const request of unknown) t.regex(request.reason?.message ?? '', /stopped while sending|not known|not confirmed/i);
  } finally {
    if (app) await stop(app);
    await store.close();
    await Promise.all([slack.close(), twitter.close()]);
  }
});
