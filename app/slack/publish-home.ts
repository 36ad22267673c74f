import type { WebClient } from '@slack/web-api';
import { dayOf } from '../domain/results.js';
import { isAdmin, isSupervisor, maySend } from '../services/permissions.js';
import { slackDirectory } from './directory.js';
import type { Services } from './dependencies.js';
import { homeView, type RecentRequest } from './user-interface/app-home.js';
import { resultsHomeView } from './user-interface/results-home.js';

/**
 * Draws a person's App Home on the page they last chose: their own sends, and for admins the accounts and
 * settings; or, for supervisors only, Results.
 */
export async function publishHome(services: Services, client: WebClient, teamId: string, userId: string): Promise<void> {
  const slack = slackDirectory(client, teamId, services.groups);
  // Asked once per draw, though both the supervisor and the admin check may need it.
  let workspaceAdmin: Promise<boolean> | undefined;
  const directory = { ...slack, isWorkspaceAdmin: (id: string) => (workspaceAdmin ??= slack.isWorkspaceAdmin(id)) };
  const settings = await services.settings.forWorkspace(teamId);
  const [supervisor, shown] = await Promise.all([
    isSupervisor(settings, userId, directory),
    services.homePages.shown(teamId, userId),
  ]);
  if (supervisor && shown.page === 'results') {
    const { report, comments } = await services.answers.results(teamId, shown.window, dayOf(Date.now()));
    const view = resultsHomeView({ report, comments, displayName: settings.display_name ?? 'us' });
    await client.views.publish({ user_id: userId, view });
    return;
  }
  const [admin, sender, records] = await Promise.all([
    isAdmin(settings, userId, directory),
    maySend(settings, userId, directory),
    services.log.recent(teamId, userId),
  ]);
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
        isSupervisor: true,
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
    : homeView({ isAdmin: false, isSupervisor: supervisor, maySend: sender, recent, automatic });
  await client.views.publish({ user_id: userId, view });
}
