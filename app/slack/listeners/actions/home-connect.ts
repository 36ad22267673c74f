import type { WebClient } from '@slack/web-api';
import { isAdmin } from '../../../services/permissions.js';
import { slackDirectory } from '../../directory.js';
import type { Services } from '../../dependencies.js';
import { connectModal } from '../../user-interface/app-home.js';
import { NOT_ADMIN } from '../../user-interface/notices.js';
import { messageView } from '../../user-interface/send-outcome.js';
import type { ButtonArgs } from './button-args.js';

/**
 * An admin clicks Connect in App Home: a link is made then, for that admin, and shown in
 * a modal. Links are made only on request, so opening App Home leaves nothing behind.
 */
export function homeConnect(services: Services) {
  return async ({ ack, body, client }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const settings = await services.settings.forWorkspace(teamId);
    const [admin, name] = await Promise.all([
      isAdmin(settings, body.user.id, slackDirectory(client, teamId, services.groups)),
      workspaceName(client),
    ]);
    const view =
      admin && services.connectLink
        ? connectModal(await services.connectLink(teamId, body.user.id, name))
        : messageView(NOT_ADMIN.title, NOT_ADMIN.text);
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
}

/** Only shown on the pages, beside the team id: without it they name the team id alone. */
async function workspaceName(client: WebClient): Promise<string | undefined> {
  try {
    return (await client.auth.test()).team || undefined;
  } catch {
    return undefined;
  }
}
