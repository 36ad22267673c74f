import { App } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import { serve } from './child.js';
import type { BenchWorkspace } from './world.js';

/** The bench's workspaces, as the bench passes them to a baseline. */
export const workspaces = new Map(
  (JSON.parse(process.env.BENCH_WORKSPACES ?? '[]') as BenchWorkspace[]).map((w) => [w.teamId, w]),
);

/**
 * A Bolt app for the baselines that call Slack: each workspace's bot token from memory,
 * nothing read or decrypted, Bolt's own client as any Bolt app gets it.
 */
export function baselineApp(): App {
  return new App({
    authorize: async ({ teamId }) => {
      const w = workspaces.get(teamId ?? '');
      if (!w) throw new Error(`not a bench workspace: ${teamId}`);
      return { botToken: w.botToken, botId: w.botId, botUserId: w.botUserId, teamId };
    },
    signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  });
}

/** Listens on loopback and tells the bench where. */
export async function serveBaseline(app: App): Promise<void> {
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  serve((server.address() as AddressInfo).port, async () => {
    await app.stop();
  });
}
