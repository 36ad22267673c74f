import type { WebClient } from '@slack/web-api';
import { isAdmin, maySend } from '../services/permissions.js';
import { slackDirectory } from './directory.js';
import type { Services } from './dependencies.js';
import { homeView } from './user-interface/home.js';

/** Draws a person's App Home: their own sends, and for admins the accounts and settings. */
export async function publishHome(services: Services, client: WebClient, teamId: string, userId: string): Promise<void> {
  const directory = slackDirectory(client, teamId, services.groups);
  const settings = await services.settings.forWorkspace(teamId);
  const [admin, sender, recent] = await Promise.all([
    isAdmin(settings, userId, directory),
    maySend(settings, userId, directory),
    services.log.recent(teamId, userId),
  ]);
  const view = admin
    ? homeView({
        isAdmin: true,
        maySend: sender,
        recent,
        settings,
        accounts: await services.accounts.list(teamId),
        mayConnect: services.connectLink !== undefined,
      })
    : homeView({ isAdmin: false, maySend: sender, recent });
  await client.views.publish({ user_id: userId, view });
}
