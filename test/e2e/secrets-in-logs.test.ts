import test from 'ava';
import { LogLevel } from '@slack/logger';
import { format } from 'node:util';
import { DEFAULTS } from '../simulators/slack.js';
import { createApiKey } from '../support/api-keys.js';
import { CUSTOMERS, Harness, OAUTH_CLIENT, OTHER_TOKENS, SECRETS } from '../support/harness.js';
import { viewSubmissionBody } from '../support/slack-requests.js';

const WEBHOOK_PASSWORD = 'sim-webhook-password-do-not-log';
const ADMIN = 'U0ADMIN001';

const SECRET_VALUES = [
  SECRETS.signingSecret,
  SECRETS.consumerSecret,
  SECRETS.accessToken,
  SECRETS.accessTokenSecret,
  SECRETS.encryptionKey,
  OTHER_TOKENS.access_token,
  OTHER_TOKENS.access_token_secret,
  OAUTH_CLIENT.clientSecret,
  DEFAULTS.botToken,
  WEBHOOK_PASSWORD,
];

/** Everything the app writes to the console while `work` runs, at DEBUG level. */
async function logsOf(work: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const methods = ['debug', 'info', 'warn', 'error', 'log'] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = (...args: unknown[]) => void lines.push(format(...args));
  try {
    await work();
  } finally {
    for (const [i, m] of methods.entries()) console[m] = saved[i];
  }
  return lines;
}

test('nothing the app logs, even at DEBUG, through sends, refusals and faults, holds a secret', async (t) => {
  const apiKeys: string[] = [];
  const lines = await logsOf(async () => {
    const h = await Harness.start({
      logLevel: LogLevel.DEBUG,
      env: { TWITTER_TIMEOUT_SECONDS: '1', TWITTER_WEBHOOK_USER: 'twitter', TWITTER_WEBHOOK_PASSWORD: WEBHOOK_PASSWORD },
    });
    try {
      const { view } = await h.command();
      await h.change(view, 'type', 'nps');
      await h.submit(view, { to_user_id: 'bad handle!', message: null });
      await h.submit(view, { to_user_id: '@jack', message: 'Hi' });
      await h.slack.waitForCall('response_url');
      const second = await h.command();
      h.twitter.revokeToken(SECRETS.accessToken);
      await h.post(viewSubmissionBody(second.view, { values: { to_user_id: CUSTOMERS.bigId.id_str, message: 'Hi' } }));
      await h.slack.waitForCall(
        'views.update',
        (c) => c.args.view_id === second.view.id && /Not sent/.test(JSON.stringify(c.args.view)),
      );
      await h.post('payload=%7B', { signature: 'v0=' + '0'.repeat(64) });
      // Pushes refused and accepted: neither the password nor its base64 may be logged.
      const webhook = h.url.replace(/\/slack\/events$/, '/twitter/feedback-events');
      const [card] = h.twitter.feedback;
      h.twitter.pushTo(webhook, 'twitter', `${WEBHOOK_PASSWORD}-wrong`);
      await h.twitter.answer(card.id, { score: 3 });
      h.twitter.pushTo(webhook, 'twitter', WEBHOOK_PASSWORD);
      await h.twitter.answer(card.id, { score: 4 });
      await h.twitter.push({ event_type: 'feedback.updated', feedback: { id: card.id } });
      // An API key, shown once in Slack, then used, revoked and used again.
      h.slack.addUser({ id: ADMIN, teamId: DEFAULTS.teamId, isAdmin: true });
      apiKeys.push(await createApiKey(h, ADMIN, 'Zendesk'));
    } finally {
      await h.close();
    }
  });
  t.true(lines.length > 20, `the app logged ${lines.length} lines at DEBUG`);
  const all = lines.join('\n');
  t.is(apiKeys.length, 1);
  for (const secret of [...SECRET_VALUES, ...apiKeys, ...apiKeys.map((key) => key.slice(-43))]) {
    t.false(all.includes(secret), `a secret appears in the logs: ${secret.slice(0, 6)}…`);
  }
  t.notRegex(all, /oauth_signature="/);
  t.false(
    all.includes(Buffer.from(`twitter:${WEBHOOK_PASSWORD}`).toString('base64')),
    'the webhook credentials appear in the logs',
  );
});
