import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { checkResultsSettings } from '../../../domain/results-settings.js';
import { isAdmin } from '../../../services/permissions.js';
import { slackDirectory } from '../../directory.js';
import { publishHome } from '../../publish-home.js';
import type { Services } from '../../dependencies.js';
import { NOT_ADMIN } from '../../user-interface/notices.js';
import { readResultsSettings } from '../../user-interface/results-settings-modal.js';
import { messageView } from '../../user-interface/send-outcome.js';

/** Saves supervisors, alerts, digest and retention only: the other settings stay as they are. */
export function resultsSettingsSubmitted(services: Services) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const teamId = body.team?.id ?? '';
    const current = await services.settings.forWorkspace(teamId);
    if (!(await isAdmin(current, body.user.id, slackDirectory(client, teamId, services.groups)))) {
      await ack({ response_action: 'update', view: messageView(NOT_ADMIN.title, NOT_ADMIN.text) });
      return;
    }
    const checked = checkResultsSettings(readResultsSettings(view.state?.values));
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: checked.errors as Record<string, string> });
      return;
    }
    await services.settings.save(teamId, checked.value);
    await ack();
    await publishHome(services, client, teamId, body.user.id);
  };
}
