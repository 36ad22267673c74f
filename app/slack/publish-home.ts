import type { WebClient } from '@slack/web-api';
import { isAdmin, isSupervisor, maySend } from '../services/permissions.js';
import { slackDirectory } from './directory.js';
import type { Services } from './dependencies.js';
import { homeView, type RecentRequest } from './user-interface/app-home.js';

/** Draws a person's App Home: their own sends, and for admins the accounts and settings. */
export async function publishHome(services: Services, client: WebClient, teamId: string, userId: string): Promise<void> {
  const directory = slackDirectory(client, teamId, services.groups);
  const settings = await services.settings.forWorkspace(teamId);
  const [admin, sender, records] = await Promise.all([
    isAdmin(settings, userId, directory),
    maySend(settings, userId, directory),
    services.log.recent(teamId, userId),
  ]);
  // Whether they are an admin is known by now: Slack need not be asked twice.
  const supervisor = admin || (await isSupervisor(settings, userId, { ...directory, isWorkspaceAdmin: async () => false }));
  const automatic = supervisor
    ? { latest: await services.automatic.latest(teamId), ...(admin ? { policy: settings.policy } : {}) }
    : undefined;
  const recent = records.map(
    ({ created_at, request, recipient, status }): RecentRequest => ({
      createdAt: created_at,
      type: request.type,
      test: request.test,
      customer: recipient.label,
      ticket: request.external_id,
      status,
    }),
  );
  const view = admin
    ? homeView({
        isAdmin: true,
        maySend: sender,
        recent,
        settings,
        accounts: (await services.accounts.list(teamId)).map((account) => ({
          id: account.user_id,
          screenName: account.screen_name,
          name: account.name,
          needsReconnect: account.needs_reconnect,
          mayDisconnect: Boolean(account.added_at),
        })),
        mayConnect: services.connectLink !== undefined,
        apiKeys: await services.apiKeys.list(teamId),
        automatic,
      })
    : homeView({ isAdmin: false, maySend: sender, recent, automatic });
  await client.views.publish({ user_id: userId, view });
}
