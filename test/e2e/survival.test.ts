import test from 'ava';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { appEnv, SECRETS, startSimulators } from '../support/harness.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';
import { postToApp, slashCommandBody } from '../support/slack-requests.js';

/** The app as `npm start` runs it, between the simulators; stopped when the test ends. */
async function running(t: import('ava').ExecutionContext, extraEnv: Record<string, string> = {}): Promise<AppProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'feedback-survival-'));
  const { slack, twitter } = await startSimulators();
  const app = await startAppProcess(
    { ...appEnv(slack, twitter, `sqlite://${path.join(dir, 'feedback.sqlite')}`), ...extraEnv },
    dir,
  );
  t.teardown(async () => {
    if (app.child.exitCode === null && app.child.signalCode === null) {
      app.child.kill('SIGTERM');
      await once(app.child, 'exit');
    }
    await Promise.all([slack.close(), twitter.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  return app;
}

async function health(app: AppProcess): Promise<{ status: number; json: { unhandled_failures?: number } }> {
  const answer = await fetch(app.url.replace('/slack/events', '/healthz'));
  return { status: answer.status, json: (await answer.json()) as { unhandled_failures?: number } };
}

test('a signed body that is not a JSON object gets 400, and the process goes on answering', async (t) => {
  const app = await running(t);
  const post = (body: string, contentType?: string) =>
    postToApp(app.url, SECRETS.signingSecret, body, contentType ? { headers: { 'content-type': contentType } } : {});
  for (const payload of ['null', '[]', '1', '"text"']) {
    t.is((await post(new URLSearchParams({ payload }).toString())).status, 400, `payload=${payload}`);
  }
  t.is((await post('null', 'application/json')).status, 400, 'a JSON null');
  t.is((await postToApp(app.url, 'not-the-signing-secret', new URLSearchParams({ payload: 'null' }))).status, 401, 'unsigned');

  t.like(await health(app), { status: 200, json: { unhandled_failures: 0 } });
  // A well-formed request right after is handled as ever.
  const command = await post(
    slashCommandBody({ text: 'help', responseUrl: 'https://hooks.slack.invalid/x', triggerId: 'x' }).toString(),
  );
  t.is(command.status, 200);
  t.regex(command.text, /feedback/);
  t.is(app.child.exitCode, null);
});

test('a failure nobody was waiting for is logged without secrets and counted, and the process goes on', async (t) => {
  // Stands in for a library's promise that nobody awaits, failing while the app runs.
  const preload = path.join(mkdtempSync(path.join(tmpdir(), 'feedback-preload-')), 'stray.mjs');
  writeFileSync(
    preload,
    "process.on('SIGUSR2', () => { Promise.reject(new Error(`stray failure near ${process.env.SLACK_SIGNING_SECRET}`)); });\n",
  );
  const app = await running(t, { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` });
  app.child.kill('SIGUSR2');
  let seen = await health(app);
  for (let tries = 0; tries < 100 && seen.json.unhandled_failures === 0; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = await health(app);
  }
  t.like(seen, { status: 200, json: { unhandled_failures: 1 } });
  t.regex(app.errors(), /stray failure near \[hidden\]/);
  t.false(app.errors().includes(SECRETS.signingSecret));
  t.is(app.child.exitCode, null);
});
