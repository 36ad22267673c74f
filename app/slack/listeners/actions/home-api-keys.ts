import type { WebClient } from '@slack/web-api';
import { isAdmin } from '../../../services/permissions.js';
import { slackDirectory } from '../../directory.js';
import { publishHome } from '../../publish-home.js';
import type { Services } from '../../dependencies.js';
import { createApiKeyModal } from '../../user-interface/api-keys.js';
import { NOT_ADMIN } from '../../user-interface/notices.js';
import { messageView } from '../../user-interface/send-outcome.js';
import type { ButtonArgs } from './button-args.js';

export async function adminOf(services: Services, client: WebClient, teamId: string, userId: string): Promise<boolean> {
  return isAdmin(await services.settings.forWorkspace(teamId), userId, slackDirectory(client, teamId, services.groups));
}

/** Create API key: asks an admin for the key's name. */
export function homeCreateApiKey(services: Services) {
  return async ({ ack, body, client }: ButtonArgs) => {
    await ack();
    const admin = await adminOf(services, client, body.team?.id ?? '', body.user.id);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: admin ? createApiKeyModal() : messageView(NOT_ADMIN.title, NOT_ADMIN.text),
    });
  };
}

/** Revoke (confirmed in Slack's own dialog): the key stops working at once, on every instance. */
export function homeRevokeApiKey(services: Services) {
  return async ({ ack, body, action, client }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    if (!(await adminOf(services, client, teamId, body.user.id))) return;
    await services.apiKeys.revoke(teamId, action.value ?? '', body.user.id);
    await publishHome(services, client, teamId, body.user.id);
  };
}
