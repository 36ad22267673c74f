import { isAdmin } from '../../../services/permissions.js';
import { slackDirectory } from '../../directory.js';
import type { Services } from '../../dependencies.js';
import { NOT_ADMIN } from '../../user-interface/notices.js';
import { resultsSettingsModal } from '../../user-interface/results-settings-modal.js';
import { messageView } from '../../user-interface/send-outcome.js';
import type { ButtonArgs } from './button-args.js';

export function homeEditResultsSettings(services: Services) {
  return async ({ ack, body, client }: ButtonArgs) => {
    await ack();
    const teamId = body.team?.id ?? '';
    const settings = await services.settings.forWorkspace(teamId);
    const view = (await isAdmin(settings, body.user.id, slackDirectory(client, teamId, services.groups)))
      ? resultsSettingsModal(settings)
      : messageView(NOT_ADMIN.title, NOT_ADMIN.text);
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
}
