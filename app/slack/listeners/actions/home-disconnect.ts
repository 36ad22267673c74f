import { isAdmin } from '../../../services/permissions.js';
import { slackDirectory } from '../../directory.js';
import { publishHome } from '../../publish-home.js';
import type { Services } from '../../dependencies.js';
import type { ButtonArgs } from './button-args.js';

/** An admin disconnects a Twitter account from App Home; its tokens are deleted. */
export function homeDisconnect(services: Services) {
  return async ({ ack, body, action, client }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const settings = await services.settings.forWorkspace(teamId);
    if (!(await isAdmin(settings, body.user.id, slackDirectory(client, teamId, services.groups)))) return;
    await services.accounts.disconnect(teamId, action.value ?? '');
    await publishHome(services, client, teamId, body.user.id);
  };
}
