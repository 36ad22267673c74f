import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { checkPolicy } from '../../../domain/sending-policy.js';
import { isAdmin } from '../../../services/permissions.js';
import { slackDirectory } from '../../directory.js';
import { publishHome } from '../../publish-home.js';
import type { Services } from '../../dependencies.js';
import { NOT_ADMIN } from '../../user-interface/notices.js';
import { readPolicy } from '../../user-interface/policy-modal.js';
import { messageView } from '../../user-interface/send-outcome.js';

/** The policy applies to automatic requests from the moment it is saved, including those already scheduled. */
export function policySubmitted(services: Services) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const teamId = body.team?.id ?? '';
    const current = await services.settings.forWorkspace(teamId);
    if (!(await isAdmin(current, body.user.id, slackDirectory(client, teamId, services.groups)))) {
      await ack({ response_action: 'update', view: messageView(NOT_ADMIN.title, NOT_ADMIN.text) });
      return;
    }
    const checked = checkPolicy(readPolicy(view.state?.values));
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: checked.errors as Record<string, string> });
      return;
    }
    await services.settings.save(teamId, { policy: checked.value });
    await ack();
    await publishHome(services, client, teamId, body.user.id);
  };
}
