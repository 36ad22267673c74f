import { FEEDBACK_TYPES, type FeedbackType } from '../domain/survey-types.js';

// Every id Slack sends back to a listener. Those in manifest.yml must match it exactly;
// the others only need to stay unique, so that no click reaches the wrong listener.

/** The slash command, as manifest.yml declares it. */
export const FEEDBACK_COMMAND = '/feedback';

/** Shortcut callback_ids, as manifest.yml declares them: a global one and a message one. */
export const SEND_FEEDBACK_SHORTCUT = 'send_feedback';
export const REQUEST_FEEDBACK_SHORTCUT = 'request_feedback';

/** The Workflow Builder step's callback_id, as manifest.yml declares it under `functions`. */
export const REQUEST_FEEDBACK_STEP = 'request_twitter_feedback';

/** View callback_ids. */
export const FEEDBACK_MODAL = 'feedback';
export const SETTINGS_MODAL = 'settings';
export const OUTCOME_MODAL = 'feedback_outcome';
export const CONNECT_MODAL = 'connect_twitter';
export const RESULTS_SETTINGS_MODAL = 'results_settings';
/** Names a new API key, then shows it once. */
export const API_KEY_MODAL = 'api_key';
export const POLICY_MODAL = 'automatic_policy';

/** Button action_ids. */
export const CONFIRM_SEND = 'confirm_send';
export const CONFIRM_EDIT = 'confirm_edit';
export const RESEND = 'resend';
export const HOME_CONNECT = 'home_connect';
export const HOME_DISCONNECT = 'home_disconnect';
export const HOME_EDIT_SETTINGS = 'home_edit_settings';
export const HOME_EDIT_RESULTS_SETTINGS = 'home_edit_results_settings';
export const HOME_CREATE_API_KEY = 'home_create_api_key';
/** Its value is the key's id. */
export const HOME_REVOKE_API_KEY = 'home_revoke_api_key';
export const HOME_EDIT_POLICY = 'home_edit_policy';
/** Results' Export CSV button; its value is the period, as `/feedback export` takes it. */
export const RESULTS_EXPORT = 'results_export';
/** A low-score alert's buttons; their value is the card's feedback id. */
export const ALERT_FOLLOW_UP = 'alert_follow_up';
export const ALERT_RESOLVED = 'alert_resolved';
/**
 * App Home's page buttons and Results' window buttons, `home_show.` followed by what they show (`home`, `results`,
 * `7d`…): an action_id must be unique within its block.
 */
export function homeShowActionId(what: string): string {
  return `home_show.${what}`;
}
export const HOME_SHOW_ACTIONS = /^home_show\./;
/** The link button in the modal that Connect opens. */
export const CONNECT_LINK = 'connect_link';

/** The API key modal's name input: block_id and action_id. */
export const API_KEY_NAME = 'api_key_name';

/** The feedback form's "Send as" choice; its other fields are named after the parameter they feed. */
export const SEND_AS = 'send_as';

/**
 * A question list's action_id, one per type: Slack keeps an entry across views.update only
 * while block_id and action_id stay the same, and a CSAT choice must not linger in the NPS list.
 */
export function questionActionId(type: FeedbackType): string {
  return `question_variant_id.${type}`;
}

/** Every feedback form action that changes what the preview shows. */
export const PREVIEW_ACTION_IDS: readonly string[] = ['type', ...FEEDBACK_TYPES.map(questionActionId), 'display_name', SEND_AS];
export const PREVIEW_ACTIONS = new RegExp(`^(${PREVIEW_ACTION_IDS.map((id) => id.replace(/\./g, '\\.')).join('|')})$`);
