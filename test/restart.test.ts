import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { loadConfig } from '../app/config.js';
import { SendLog } from '../app/services/send-log.js';
import { openStore } from '../app/store/store.js';
import { DEFAULTS } from './simulators/slack.js';
import { appEnv, BUSINESS, BUSINESS_TOKENS, connectAccount, CUSTOMERS, SECRETS, startSimulators } from './support/harness.js';
import { postToApp, slashCommandBody, viewSubmissionBody } from './support/slack-requests.js';
import type { SimulatedView } from './simulators/slack.js';
import { startAppProcess } from './support/app-process.js';
import { temporaryDir } from './support/temporary.js';

test('a send cut off by a crash is settled as unknown on restart, the agent is told, and nothing is re-sent', async (t) => {
  const dir = temporaryDir(t, 'feedback-restart-');
  const { slack, twitter } = await startSimulators();
  const env = { ...appEnv(slack, twitter, `sqlite://${path.join(dir, 'feedback.sqlite')}`), PENDING_GRACE_SECONDS: '0' };
  const config = loadConfig(env);
  await connectAccount(config, DEFAULTS.teamId, BUSINESS, BUSINESS_TOKENS);
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
  }
});
