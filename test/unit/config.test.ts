import test from 'ava';
import { ConfigError, loadConfig, type Env } from '../../app/config.js';

const complete: Env = {
  SLACK_SIGNING_SECRET: 'signing-secret',
  SLACK_BOT_TOKEN: 'xoxb-test',
  TWITTER_CONSUMER_KEY: 'ck',
  TWITTER_CONSUMER_SECRET: 'cs',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

function problems(env: Env): string[] {
  const error = (() => {
    try {
      loadConfig(env);
    } catch (e) {
      return e;
    }
  })();
  return error instanceof ConfigError ? error.problems : [];
}

test('defaults fill everything optional', (t) => {
  const config = loadConfig(complete);
  t.is(config.slack.port, 3000);
  t.is(config.slack.apiUrl, 'https://slack.com/api/');
  t.is(config.slack.appToken, undefined);
  t.is(config.twitter.apiUrl, 'https://api.twitter.com');
  t.is(config.store.storeUrl, 'sqlite://data/feedback.sqlite');
  t.is(config.store.encryptionKey.length, 32);
  t.is(config.defaultPrivacyUrl, undefined);
});

test('every missing setting is named at once', (t) => {
  const found = problems({});
  for (const name of [
    'SLACK_SIGNING_SECRET',
    'SLACK_BOT_TOKEN',
    'TWITTER_CONSUMER_KEY',
    'TWITTER_CONSUMER_SECRET',
    'ENCRYPTION_KEY',
  ]) {
    t.true(
      found.some((p) => p.startsWith(name)),
      name,
    );
  }
});

test('malformed settings are refused with their names', (t) => {
  t.regex(problems({ ...complete, ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }).join(), /ENCRYPTION_KEY/);
  t.regex(problems({ ...complete, ENCRYPTION_KEY: 'not base64 at all, not even close!!!!!!!!!!!' }).join(), /ENCRYPTION_KEY/);
  t.regex(problems({ ...complete, SLACK_API_URL: 'https://slack.com/api' }).join(), /SLACK_API_URL must end in \/api\//);
  t.regex(problems({ ...complete, TWITTER_API_URL: 'api.twitter.com' }).join(), /TWITTER_API_URL/);
  t.regex(problems({ ...complete, PORT: 'eighty' }).join(), /PORT/);
  t.regex(problems({ ...complete, DEFAULT_PRIVACY_URL: 'privacy' }).join(), /DEFAULT_PRIVACY_URL/);
  t.regex(
    problems({ ...complete, TWITTER_ACCESS_TOKEN: 'a' }).join(),
    /TWITTER_ACCESS_TOKEN_SECRET must be set together with TWITTER_ACCESS_TOKEN/,
  );
});

test('the error names settings, never their values', (t) => {
  const error = t.throws(() => loadConfig({ ...complete, SLACK_BOT_TOKEN: '', ENCRYPTION_KEY: 'c2VjcmV0' }));
  t.notRegex(error!.message, /c2VjcmV0|signing-secret/);
});

test('an app-level token switches to Socket Mode; a trailing slash on Twitter is dropped', (t) => {
  const config = loadConfig({ ...complete, SLACK_APP_TOKEN: 'xapp-test', TWITTER_API_URL: 'https://twitter-api.example/' });
  t.is(config.slack.appToken, 'xapp-test');
  t.is(config.twitter.apiUrl, 'https://twitter-api.example');
});

test('PUBLIC_URL must be https, except on the machine itself', (t) => {
  for (const url of ['http://feedback.example', 'http://10.0.0.5:3000', 'http://127.example.com', 'ftp://feedback.example']) {
    t.regex(problems({ ...complete, PUBLIC_URL: url }).join(), /PUBLIC_URL must be an http/, url);
  }
  for (const url of [
    'https://feedback.example/',
    'http://localhost:3000',
    'http://127.0.0.1:3000',
    'http://127.1.2.3',
    'http://[::1]:3000',
  ]) {
    t.deepEqual(problems({ ...complete, PUBLIC_URL: url }), [], url);
  }
  t.is(loadConfig({ ...complete, PUBLIC_URL: 'https://feedback.example/' }).slack.publicUrl, 'https://feedback.example');
});

test('the answers webhook needs both its user and a password of 20 characters or more, and is off without them', (t) => {
  t.is(loadConfig(complete).webhook, undefined);
  const password = 'p'.repeat(20);
  t.deepEqual(loadConfig({ ...complete, TWITTER_WEBHOOK_USER: 'twitter', TWITTER_WEBHOOK_PASSWORD: password }).webhook, {
    user: 'twitter',
    password,
  });
  t.regex(
    problems({ ...complete, TWITTER_WEBHOOK_USER: 'twitter' }).join(),
    /TWITTER_WEBHOOK_PASSWORD must be set together with TWITTER_WEBHOOK_USER/,
  );
  t.regex(problems({ ...complete, TWITTER_WEBHOOK_PASSWORD: password }).join(), /TWITTER_WEBHOOK_USER must be set together/);
  const short = problems({ ...complete, TWITTER_WEBHOOK_USER: 'twitter', TWITTER_WEBHOOK_PASSWORD: 'p'.repeat(19) }).join();
  t.regex(short, /TWITTER_WEBHOOK_PASSWORD must be at least 20/);
  t.notRegex(short, /p{19}/);
});
