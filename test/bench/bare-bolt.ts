import { App } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import { DEFAULTS } from '../simulators/slack.js';
import { serve } from './child.js';

/** Bolt with none of the app: `/feedback` is acknowledged, and that is all. */
const app = new App({
  token: DEFAULTS.botToken,
  // Without the bot's ids Bolt would call auth.test on every request.
  botId: DEFAULTS.botId,
  botUserId: DEFAULTS.botUserId,
  tokenVerificationEnabled: false,
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  // Nothing calls Slack; should Bolt ever try, it stays on loopback.
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.command('/feedback', async ({ ack }) => {
  await ack();
});

const server = await app.start({ port: 0, host: '127.0.0.1' });
serve((server.address() as AddressInfo).port, async () => {
  await app.stop();
});
