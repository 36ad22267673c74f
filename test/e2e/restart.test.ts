import { LogLevel } from '@slack/logger';
import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { loadConfig } from '../../app/config.js';
import { SendLog } from '../../app/services/send-log.js';
import { startApp } from '../../app/server.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS } from '../simulators/slack.js';
import {
  appEnv,
  BUSINESS,
  BUSINESS_TOKENS,
  connectAccount,
  CUSTOMERS,
  Harness,
  SECRETS,
  startSimulators,
} from '../support/harness.js';
import { postToApp, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';
import type { SimulatedView } from '../simulators/slack.js';
import { startAppProcess } from '../support/app-process.js';
import { temporaryDir } from '../support/temporary.js';

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
    await postToApp(
      first.url,
      SECRETS.signingSecret,
      viewSubmissionBody(view, { values: { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' } }),
    );
    await twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    twitter.setFault(undefined);

    const second = await startAppProcess(env, dir);
    running = second.child;
    const told = await slack.waitForCall('response_url', (c) => c.url === responseUrl);
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

const isCreate = (r: { path: string }) => r.path === '/1.1/feedback/create.json';

test('a send still under way is left alone by an instance starting beside it, and its agent is told once', async (t) => {
  const h = await Harness.start();
  try {
    const { view, responseUrl } = await h.command();
    h.twitter.setFault('hang-after-read');
    await h.submit(view, { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' });
    await h.twitter.waitForRequests(isCreate);
    // Settling what is pending at start-up is done before it listens.
    const beside = await startApp(h.config, LogLevel.ERROR);
    await beside.stop();
    const store = await openStore(h.config.store);
    const [record] = await new SendLog(store.records('sends'), store).recent(DEFAULTS.teamId, DEFAULTS.userId, 1);
    await store.close();
    t.is(record.status, 'pending', 'still the sending instance’s to settle');

    // Twitter's connection breaks: the instance that sent settles the request itself.
    await h.twitter.close();
    await h.stopApp();
    const told = h.slack.callsTo('response_url').filter((c) => c.url === responseUrl);
    t.is(told.length, 1);
    t.notRegex(JSON.stringify(told), /stopped while sending/);
  } finally {
    await h.close();
  }
});

test('two instances starting over one store settle a send left pending once, and tell its agent once', async (t) => {
  const dir = temporaryDir(t, 'feedback-restart-');
  const { slack, twitter } = await startSimulators();
  const env = {
    ...appEnv(slack, twitter, `sqlite://${path.join(dir, 'feedback.sqlite')}`),
    PENDING_GRACE_SECONDS: '0',
    // The account from the environment learns its name from Twitter, which is slow here:
    // each instance waits on it while settling, so both are at it at once.
    TWITTER_ACCESS_TOKEN: SECRETS.accessToken,
    TWITTER_ACCESS_TOKEN_SECRET: SECRETS.accessTokenSecret,
  };
  const config = loadConfig(env);
  const responseUrl = slack.responseUrl();
  // What a process killed mid-send leaves behind.
  const store = await openStore(config.store);
  const log = new SendLog(store.records('sends'), store);
  const request = {
    type: 'csat' as const,
    to_user_id: CUSTOMERS.jack.id_str,
    message: 'Hi',
    privacy_url: 'https://acme.example/privacy',
    question_variant_id: 0,
    test: false,
  };
  await log.begin(
    DEFAULTS.teamId,
    DEFAULTS.userId,
    BUSINESS.id_str,
    { request, recipient: { id: request.to_user_id, label: request.to_user_id } },
    { id: 'gone', keys: [] },
    responseUrl,
  );
  twitter.delay(5000);
  try {
    const apps = await Promise.all([startApp(config, LogLevel.ERROR), startApp(config, LogLevel.ERROR)]);
    await Promise.all(apps.map((app) => app.stop()));
    const told = slack.callsTo('response_url').filter((c) => c.url === responseUrl);
    t.is(told.length, 1);
    t.regex(JSON.stringify(told[0]?.args), /stopped while sending/);
    const [record] = await log.recent(DEFAULTS.teamId, DEFAULTS.userId, 1);
    t.is(record.status, 'unknown');
    t.deepEqual(await store.members('pending-sends'), []);
    t.is(twitter.requests.filter(isCreate).length, 0, 'never sent by itself');
  } finally {
    await store.close();
    await Promise.all([slack.close(), twitter.close()]);
  }
});
