import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../app/config.js';
import { SendLog } from '../app/services/send-log.js';
import { openStore } from '../app/store/store.js';
import { DEFAULTS, SlackSimulator } from './simulators/slack.js';
import { TwitterSimulator } from './simulators/twitter.js';
import { BUSINESS, CUSTOMERS, SECRETS } from './support/harness.js';
import { postToApp, slashCommandBody, viewSubmissionBody } from './support/slack-requests.js';
import type { SimulatedView } from './simulators/slack.js';
import { startAppProcess } from './support/app-process.js';

test('a send cut off by a crash is settled as unknown on restart, the agent is told, and nothing is re-sent', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'feedback-restart-'));
  const slack = await SlackSimulator.start();
  const twitter = await TwitterSimulator.start({
    consumers: { [SECRETS.consumerKey]: SECRETS.consumerSecret },
    tokens: { [SECRETS.accessToken]: { secret: SECRETS.accessTokenSecret, user: BUSINESS.id_str } },
    users: [BUSINESS, CUSTOMERS.jack],
  });
  const env = {
    SLACK_SIGNING_SECRET: SECRETS.signingSecret,
    SLACK_BOT_TOKEN: DEFAULTS.botToken,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    TWITTER_API_URL: twitter.url,
    TWITTER_CONSUMER_KEY: SECRETS.consumerKey,
    TWITTER_CONSUMER_SECRET: SECRETS.consumerSecret,
    STORE_URL: `sqlite://${path.join(dir, 'feedback.sqlite')}`,
    ENCRYPTION_KEY: SECRETS.encryptionKey,
    DEFAULT_PRIVACY_URL: 'https://acme.example/privacy',
    PENDING_GRACE_SECONDS: '0',
  };
  const config = loadConfig(env);
  const seeded = await openStore(config.store);
  await seeded.accounts.add(
    { teamId: DEFAULTS.teamId },
    { user_id: BUSINESS.id_str, screen_name: BUSINESS.screen_name, name: BUSINESS.name, tokens: { access_token: SECRETS.accessToken, access_token_secret: SECRETS.accessTokenSecret } },
  );
  await seeded.close();
  let running: ChildProcess | undefined;
  try {
    const first = await startAppProcess(env, dir);
    running = first.child;
    const responseUrl = slack.responseUrl();
    await postToApp(first.url, SECRETS.signingSecret, slashCommandBody({ responseUrl, triggerId: slack.issueTriggerId() }));
    const view = (await slack.waitForCall('views.open')).response.view as SimulatedView;
    // Twitter takes the request and never answers: the app is mid-send when it dies.
    twitter.setFault('hang-after-read');
    await postToApp(first.url, SECRETS.signingSecret, viewSubmissionBody(view, { values: { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' } }));
    await twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    twitter.setFault(undefined);

    const second = await startAppProcess(env, dir);
    running = second.child;
    const told = await slack.waitForCall('response_url', (c) => c.url === responseUrl, 10_000);
    const said = JSON.stringify(told.args);
    t.regex(said, /stopped while sending/);
    t.regex(said, /Send again/);

    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
    running = undefined;
    const store = await openStore(config.store);
    const [record] = await new SendLog(store.records('sends'), store).recent(DEFAULTS.teamId, DEFAULTS.userId, 1);
    t.is(record.status, 'unknown');
    t.deepEqual(await store.members('pending-sends'), [], 'nothing is left pending');
    await store.close();
    t.is(twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 1, 'never re-sent by itself');
  } finally {
    running?.kill('SIGKILL');
    await Promise.all([slack.close(), twitter.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});
