import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { repoRoot } from '../support/paths.js';
import { Harness, SECRETS } from '../support/harness.js';
import { temporaryDir } from '../support/temporary.js';
import { DEFAULTS, SlackSimulator } from '../simulators/slack.js';

/** Runs the compiled entry point as `npm start` does, with only the given environment. */
async function start(t: ExecutionContext, env: Record<string, string>, until: RegExp | 'exit') {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/app/index.js')], {
    cwd: temporaryDir(t, 'feedback-start-'),
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  if (until === 'exit') {
    const [code] = await once(child, 'exit');
    return { code: code as number, output };
  }
  const deadline = Date.now() + 20_000;
  while (!until.test(output) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGTERM');
  const [code] = child.exitCode === null ? await once(child, 'exit') : [child.exitCode];
  return { code: code as number, output };
}

test('a missing setting stops start-up with a message naming it', async (t) => {
  const { code, output } = await start(t, { SLACK_SIGNING_SECRET: SECRETS.signingSecret }, 'exit');
  t.is(code, 1);
  for (const name of ['SLACK_BOT_TOKEN', 'TWITTER_CONSUMER_KEY', 'TWITTER_CONSUMER_SECRET', 'ENCRYPTION_KEY']) {
    t.true(output.includes(name), name);
  }
  t.false(output.includes(SECRETS.signingSecret));
});

function settings(slackApiUrl: string): Record<string, string> {
  return {
    SLACK_SIGNING_SECRET: SECRETS.signingSecret,
    SLACK_BOT_TOKEN: DEFAULTS.botToken,
    SLACK_API_URL: slackApiUrl,
    PORT: '0',
    TWITTER_CONSUMER_KEY: SECRETS.consumerKey,
    TWITTER_CONSUMER_SECRET: SECRETS.consumerSecret,
    ENCRYPTION_KEY: SECRETS.encryptionKey,
  };
}

test('with its settings the app checks its token, listens over HTTP and stops cleanly on SIGTERM', async (t) => {
  const slack = await SlackSimulator.start();
  try {
    const { code, output } = await start(t, settings(slack.apiUrl), /listening on port \d+/);
    t.regex(output, /listening on port \d+ \(POST \/slack\/events\)/);
    t.is(code, 0);
    t.is(slack.callsTo('auth.test').length, 1);
    t.false(output.includes(DEFAULTS.botToken));
  } finally {
    await slack.close();
  }
});

test('a bot token Slack refuses stops start-up with a message naming it', async (t) => {
  const slack = await SlackSimulator.start();
  try {
    const { code, output } = await start(t, { ...settings(slack.apiUrl), SLACK_BOT_TOKEN: 'xoxb-unknown' }, 'exit');
    t.is(code, 1);
    t.regex(output, /SLACK_BOT_TOKEN could not be checked.*invalid_auth/);
    t.false(output.includes('xoxb-unknown'));
  } finally {
    await slack.close();
  }
});

test('GET /healthz reports the store as reachable', async (t) => {
  const h = await Harness.start();
  try {
    const answer = await fetch(h.url.replace('/slack/events', '/healthz'));
    t.is(answer.status, 200);
    t.deepEqual(await answer.json(), { ok: true, store: 'reachable', unhandled_failures: 0 });
  } finally {
    await h.close();
  }
});
