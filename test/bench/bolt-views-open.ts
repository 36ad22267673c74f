import type { ModalView } from '@slack/types';
import { SETTINGS_DEFAULTS } from '../../app/domain/workspace-settings.js';
import { withDefaults } from '../../app/slack/open-modal.js';
import { feedbackModal, formFrom } from '../../app/slack/user-interface/feedback-modal.js';
import { baselineApp, serveBaseline, workspaces } from './bolt-baseline.js';

/**
 * Bolt and a views.open, with none of the app around them: `/feedback` is acknowledged,
 * then the app's own modal (built once per workspace, with the defaults) is opened with
 * Bolt's own client as any Bolt app gets it. What this costs is Bolt's, @slack/web-api's
 * and Node's; what the app costs beyond it is the app's.
 */
const settings = { ...SETTINGS_DEFAULTS, privacy_url: process.env.DEFAULT_PRIVACY_URL };
const modals = new Map<string, ModalView>();

function modalFor(teamId: string): ModalView {
  let modal = modals.get(teamId);
  if (!modal) {
    const business = workspaces.get(teamId)!.business;
    modal = feedbackModal(
      { ...formFrom(withDefaults({}, settings)), send_as: business.id_str },
      { team_id: teamId, business_name: business.name },
    );
    modals.set(teamId, modal);
  }
  return modal;
}

const app = baselineApp();
app.command('/feedback', async ({ ack, body, client }) => {
  await ack();
  await client.views.open({ trigger_id: body.trigger_id, view: modalFor(body.team_id) });
});

await serveBaseline(app);
