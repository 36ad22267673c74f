import type { App, BlockButtonAction } from '@slack/bolt';
import type { Services } from '../dependencies.js';
import {
  ALERT_FOLLOW_UP,
  ALERT_RESOLVED,
  API_KEY_MODAL,
  CONFIRM_EDIT,
  CONFIRM_SEND,
  CONNECT_LINK,
  FEEDBACK_COMMAND,
  FEEDBACK_MODAL,
  HOME_CONNECT,
  HOME_CREATE_API_KEY,
  HOME_DISCONNECT,
  HOME_EDIT_RESULTS_SETTINGS,
  HOME_EDIT_SETTINGS,
  HOME_SHOW_ACTIONS,
  HOME_EDIT_POLICY,
  HOME_REVOKE_API_KEY,
  PREVIEW_ACTIONS,
  REQUEST_FEEDBACK_SHORTCUT,
  REQUEST_FEEDBACK_STEP,
  RESEND,
  RESULTS_EXPORT,
  SEND_FEEDBACK_SHORTCUT,
  RESULTS_SETTINGS_MODAL,
  POLICY_MODAL,
  SETTINGS_MODAL,
} from '../ids.js';
import { feedbackFormChanged } from './actions/feedback-form-changed.js';
import { confirmationEdit } from './actions/confirmation-edit.js';
import { confirmationSend } from './actions/confirmation-send.js';
import { resend } from './actions/resend.js';
import { alertAction } from './actions/alert-action.js';
import { resultsExport } from './actions/results-export.js';
import { appHomeOpened } from './events/app-home-opened.js';
import { appUninstalled } from './events/app-uninstalled.js';
import { tokensRevoked } from './events/tokens-revoked.js';
import { homeConnect } from './actions/home-connect.js';
import { homeDisconnect } from './actions/home-disconnect.js';
import { homeEditSettings } from './actions/home-edit-settings.js';
import { homeEditResultsSettings } from './actions/home-edit-results-settings.js';
import { homeShow } from './actions/home-show.js';
import { resultsSettingsSubmitted } from './views/results-settings-submitted.js';
import { homeCreateApiKey, homeRevokeApiKey } from './actions/home-api-keys.js';
import { apiKeySubmitted } from './views/api-key-submitted.js';
import { settingsSubmitted } from './views/settings-submitted.js';
import { homeEditPolicy } from './actions/home-edit-policy.js';
import { policySubmitted } from './views/policy-submitted.js';
import { feedbackCommand } from './commands/feedback.js';
import { feedbackSubmitted } from './views/feedback-submitted.js';
import { sendFeedbackShortcut } from './shortcuts/send-feedback.js';
import { requestFeedbackShortcut } from './shortcuts/request-feedback.js';
import { requestFeedbackStep } from './functions/request-feedback-step.js';

export function registerListeners(app: App, services: Services): void {
  // Listeners go on after ack(); shutdown waits for every one of them to finish.
  app.use(({ next }) => services.finishing(next()));
  app.command(FEEDBACK_COMMAND, feedbackCommand(services));
  app.shortcut({ type: 'shortcut', callback_id: SEND_FEEDBACK_SHORTCUT }, sendFeedbackShortcut(services));
  app.shortcut({ type: 'message_action', callback_id: REQUEST_FEEDBACK_SHORTCUT }, requestFeedbackShortcut(services));
  app.action({ type: 'block_actions', action_id: PREVIEW_ACTIONS }, feedbackFormChanged);
  app.action<BlockButtonAction>(CONFIRM_SEND, confirmationSend(services));
  app.action<BlockButtonAction>(CONFIRM_EDIT, confirmationEdit(services));
  app.action<BlockButtonAction>(RESEND, resend(services));
  app.view({ type: 'view_submission', callback_id: FEEDBACK_MODAL }, feedbackSubmitted(services));
  app.event('app_home_opened', appHomeOpened(services));
  if (services.installations) {
    app.event('app_uninstalled', appUninstalled(services.installations.forget));
    app.event('tokens_revoked', tokensRevoked(services.installations));
  } else {
    // Slack allows custom steps only in apps that are not publicly distributed: one workspace's own.
    app.function(REQUEST_FEEDBACK_STEP, requestFeedbackStep(services));
  }
  app.action<BlockButtonAction>(HOME_CONNECT, homeConnect(services));
  // The modal's button is a link: Slack still reports the click, which only needs an ack.
  app.action<BlockButtonAction>(CONNECT_LINK, async ({ ack }) => ack());
  app.action<BlockButtonAction>(HOME_DISCONNECT, homeDisconnect(services));
  app.action<BlockButtonAction>(HOME_EDIT_SETTINGS, homeEditSettings(services));
  app.view({ type: 'view_submission', callback_id: SETTINGS_MODAL }, settingsSubmitted(services));
  app.action<BlockButtonAction>(ALERT_FOLLOW_UP, alertAction(services, 'follow_up'));
  app.action<BlockButtonAction>(ALERT_RESOLVED, alertAction(services, 'resolved'));
  app.action<BlockButtonAction>(RESULTS_EXPORT, resultsExport(services));
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: HOME_SHOW_ACTIONS }, homeShow(services));
  app.action<BlockButtonAction>(HOME_EDIT_RESULTS_SETTINGS, homeEditResultsSettings(services));
  app.view({ type: 'view_submission', callback_id: RESULTS_SETTINGS_MODAL }, resultsSettingsSubmitted(services));
  app.action<BlockButtonAction>(HOME_CREATE_API_KEY, homeCreateApiKey(services));
  app.action<BlockButtonAction>(HOME_REVOKE_API_KEY, homeRevokeApiKey(services));
  app.view({ type: 'view_submission', callback_id: API_KEY_MODAL }, apiKeySubmitted(services));
  app.action<BlockButtonAction>(HOME_EDIT_POLICY, homeEditPolicy(services));
  app.view({ type: 'view_submission', callback_id: POLICY_MODAL }, policySubmitted(services));
}
