import type { App } from '@slack/bolt';
import type { Services } from '../services.js';
import { FEEDBACK_MODAL, PREVIEW_ACTIONS } from '../user-interface/feedback-modal.js';
import { feedbackFormChanged } from './actions/feedback-form-changed.js';
import { feedbackCommand } from './commands/feedback.js';
import { feedbackSubmitted } from './views/feedback-submitted.js';

export function registerListeners(app: App, services: Services): void {
  app.command('/feedback', feedbackCommand(services));
  app.action({ type: 'block_actions', action_id: PREVIEW_ACTIONS }, feedbackFormChanged);
  app.view({ type: 'view_submission', callback_id: FEEDBACK_MODAL }, feedbackSubmitted(services));
}
