import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../app/config.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { startAppProcess } from '../support/app-process.js';
import { appEnv, BUSINESS, BUSINESS_TOKENS, connectAccount, Harness, SECRETS, startSimulators } from '../support/harness.js';
import { messageShortcutBody, postToApp, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';

type Block = Record<string, any>;

/** Backtracks exponentially in JavaScript's own engine on a run of "a" that does not end the text. */
const BACKTRACKING = '(a+)+$';
const HOSTILE_TEXT = `${'a'.repeat(40_000)}!`;
/** Far beyond what the app needs; only a process that stopped answering takes this long. */
const GIVE_UP_MS = 30_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was not answered in ${GIVE_UP_MS / 1000} s`)), GIVE_UP_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

test("an admin's backtracking pattern: 40,000 characters through the command and the shortcut are answered, and /healthz answers meanwhile", async (t) => {
  t.timeout(4 * GIVE_UP_MS);
  const dir = mkdtempSync(path.join(tmpdir(), 'feedback-pattern-'));
  const { slack, twitter } = await startSimulators();
  const env = appEnv(slack, twitter, `sqlite://${path.join(dir, 'feedback.sqlite')}`);
  const config = loadConfig(env);
  await connectAccount(config, DEFAULTS.teamId, BUSINESS, BUSINESS_TOKENS);
  const store = await openStore(config.store);
  await store.records('settings').set({ teamId: DEFAULTS.teamId }, 'settings', { ticket_pattern: BACKTRACKING });
  await store.close();
  let child: ChildProcess | undefined;
  let polling = true;
  try {
    // The app runs in its own process, so a blocked event loop there cannot stall this test's.
    const app = await startAppProcess(env, dir);
    child = app.child;
    const healthz = app.url.replace(/\/slack\/events$/, '/healthz');

    let inFlight = 0;
    let answeredInFlight = 0;
    const poll = async () => {
      while (polling) {
        const answer = await fetch(healthz, { signal: AbortSignal.timeout(2 * GIVE_UP_MS) }).catch(() => undefined);
        await answer?.arrayBuffer();
        if (answer?.ok && inFlight > 0) answeredInFlight++;
      }
    };
    const pollers = [poll(), poll()];

    const command = async () => {
      inFlight++;
      try {
        const body = slashCommandBody({
          text: HOSTILE_TEXT,
          responseUrl: slack.responseUrl(),
          triggerId: slack.issueTriggerId(),
        });
        return await within(postToApp(app.url, SECRETS.signingSecret, body), 'the command');
      } finally {
        inFlight--;
      }
    };
    const shortcut = async () => {
      inFlight++;
      try {
        const since = slack.calls.length;
        const triggerId = slack.issueTriggerId();
        const body = messageShortcutBody({
          message: { ts: '1700000000.000100', text: HOSTILE_TEXT },
          responseUrl: slack.responseUrl(),
          triggerId,
        });
        await within(postToApp(app.url, SECRETS.signingSecret, body), 'the shortcut');
        return await within(
          slack.waitForCall('views.open', (c) => c.seq >= since && c.args.trigger_id === triggerId, GIVE_UP_MS),
          'the shortcut’s modal',
        );
      } finally {
        inFlight--;
      }
    };

    for (let round = 0; round < 5; round++) {
      const [answer, opened] = await Promise.all([command(), shortcut()]);
      t.is(answer.status, 200);
      t.regex((answer.json as Block).text, /is not a type, a customer or a ticket/);
      t.true(opened.response.ok, JSON.stringify(opened.response));
      t.is((opened.response.view as SimulatedView).callback_id, 'feedback');
    }
    polling = false;
    await Promise.all(pollers);
    t.true(answeredInFlight > 0, 'healthz answered while the hostile requests were being handled');
  } finally {
    polling = false;
    child?.kill('SIGKILL');
    await Promise.all([slack.close(), twitter.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the settings form refuses, on ticket_pattern, what RE2 cannot run and a pattern over 200 characters', async (t) => {
  const harness = await Harness.start();
  try {
    const ADMIN = 'U0ADMIN001';
    harness.slack.addUser({ id: ADMIN, teamId: DEFAULTS.teamId, isAdmin: true, realName: 'Ada Admin' });
    const home = await harness.home(ADMIN);
    const form = await harness.openSettings(home, ADMIN);
    const save = async (ticket_pattern: string) =>
      (await harness.post(viewSubmissionBody(form, { userId: ADMIN, values: { ticket_pattern, message: 'How did we do?' } })))
        .json as Block | undefined;

    const refusals: Array<[string, RegExp]> = [
      ['(?<=INC-)(\\d+)', /^Lookbehind .* is not supported/],
      ['INC-(\\d+)(?!\\d)', /^Lookahead .* is not supported/],
      ['(\\d)\\1', /^Backreferences .* are not supported/],
      [`INC-(\\d+)${'x'.repeat(200)}`, /^At most 200 characters\.$/],
      ['INC-(', /^Not a valid regular expression: /],
    ];
    for (const [pattern, problem] of refusals) {
      const answer = await save(pattern);
      t.is(answer?.response_action, 'errors', pattern);
      t.deepEqual(Object.keys(answer?.errors ?? {}), ['ticket_pattern'], pattern);
      t.regex(answer?.errors.ticket_pattern, problem, pattern);
    }
    const store = await openStore(harness.config.store);
    t.is(await store.records('settings').get({ teamId: DEFAULTS.teamId }, 'settings'), undefined, 'nothing refused was saved');
    await store.close();

    t.is(await save(BACKTRACKING), undefined, 'a pattern RE2 runs in linear time is taken as it is');
    const { view } = await harness.command('');
    t.is(view.callback_id, 'feedback');
  } finally {
    await harness.close();
  }
});
