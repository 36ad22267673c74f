import { isAdmin } from '../../../services/permissions.js';
import { slackDirectory } from '../../directory.js';
import type { Services } from '../../dependencies.js';
import { NOT_ADMIN } from '../../user-interface/notices.js';
import { messageView } from '../../user-interface/send-outcome.js';
import { settingsModal } from '../../user-interface/settings-modal.js';
import type { ButtonArgs } from './button-args.js';

export function homeEditSettings(services: Services) {
  return async ({ ack, body, client }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const settings = await services.settings.forWorkspace(teamId);
    const view = (await isAdmin(settings, body.user.id, slackDirectory(client, teamId, services.groups)))
      ? settingsModal(settings)
      : messageView(NOT_ADMIN.title, NOT_ADMIN.text);
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
}
