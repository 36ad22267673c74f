import { App } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import { answersWebhook } from '../../app/http/answers-webhook.js';
import { DEFAULTS } from '../simulators/slack.js';
import { WEBHOOK_PASSWORD, WEBHOOK_USER } from './answers.js';
import { serve } from './child.js';

/**
 * Bolt serving the app's own webhook route, which checks the credentials, reads and checks
 * each event, and stores nothing: what receiving a push costs before any store is reached.
 */
const app = new App({
  token: DEFAULTS.botToken,
  botId: DEFAULTS.botId,
  botUserId: DEFAULTS.botUserId,
  tokenVerificationEnabled: false,
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  customRoutes: [answersWebhook({ user: WEBHOOK_USER, password: WEBHOOK_PASSWORD }, { record: async () => undefined }, console)],
});

const server = await app.start({ port: 0, host: '127.0.0.1' });
serve((server.address() as AddressInfo).port, async () => {
  await app.stop();
});
