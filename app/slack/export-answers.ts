import type { Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Period } from '../domain/export-period.js';
import { isSupervisor } from '../services/permissions.js';
import type { Services } from './dependencies.js';
import { slackDirectory } from './directory.js';
import { shareFile } from './upload-file.js';
import { exportComment, exportFailed } from './user-interface/records.js';

/** Whether the member may read answers: supervisors only, never agents. */
export async function maySeeAnswers(services: Services, client: WebClient, teamId: string, userId: string): Promise<boolean> {
  const settings = await services.settings.forWorkspace(teamId);
  return isSupervisor(settings, userId, slackDirectory(client, teamId, services.groups));
}

/**
 * Builds the CSV of the period on disk and shares it into the supervisor's DM with the app;
 * a failure is said there too. For after Slack was answered: it may take a while.
 */
export async function exportAnswers(
  services: Services,
  client: WebClient,
  who: { teamId: string; userId: string },
  period: Period,
  logger: Logger,
): Promise<void> {
  // The DM first: without it, there is no point in building the file.
  const opened = await client.conversations.open({ users: who.userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error('Slack opened no DM with the supervisor');
  const file = await services.exports.write(who.teamId, period).catch(async (error: Error) => {
    logger.warn(`Could not write the CSV export for workspace ${who.teamId}: ${error.message}`);
    await client.chat.postMessage({ channel, text: exportFailed(period) });
    return undefined;
  });
  if (!file) return;
  try {
    await shareFile(
      client,
      { ...file, title: `Feedback answers ${period.from} to ${period.to}` },
      { channel_id: channel, initial_comment: exportComment(period, file.rows) },
    );
  } catch (error) {
    logger.warn(`Could not share the CSV export for workspace ${who.teamId}: ${(error as Error).message}`);
    await client.chat.postMessage({ channel, text: exportFailed(period) });
  } finally {
    await file.remove();
  }
}
