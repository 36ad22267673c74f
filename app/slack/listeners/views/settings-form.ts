import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WorkspaceSettings } from '../../../domain/workspace-settings.js';
import { isAdmin } from '../../../services/permissions.js';
import { slackDirectory } from '../../directory.js';
import { publishHome } from '../../publish-home.js';
import type { Services } from '../../dependencies.js';
import { NOT_ADMIN } from '../../user-interface/notices.js';
import { messageView } from '../../user-interface/send-outcome.js';
import type { StateValues } from '../../user-interface/view-state.js';

/** What a settings form's fields say: the settings it changes, or an error per field. */
export type CheckedForm =
  | { ok: true; changes: Partial<WorkspaceSettings> }
  | { ok: false; errors: Partial<Record<string, string>> };

/**
 * Every settings form's submission: admins only (a forged one from anyone else changes
 * nothing), each error on its field, and only the form's own settings saved, taking effect at
 * once: every form and check reads settings when it runs.
 */
export function settingsFormSubmitted(services: Services, check: (values: StateValues | undefined) => CheckedForm) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const teamId = body.team?.id ?? '';
    const current = await services.settings.forWorkspace(teamId);
    if (!(await isAdmin(current, body.user.id, slackDirectory(client, teamId, services.groups)))) {
      await ack({ response_action: 'update', view: messageView(NOT_ADMIN.title, NOT_ADMIN.text) });
      return;
    }
    // Slack always sends the form's state; a payload without it reads as an empty form.
    const checked = check(view.state?.values);
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: checked.errors as Record<string, string> });
      return;
    }
    await services.settings.save(teamId, checked.changes);
    await ack();
    await publishHome(services, client, teamId, body.user.id);
  };
}
