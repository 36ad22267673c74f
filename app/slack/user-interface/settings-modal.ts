import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { LIMITS } from '../../domain/feedback-request.js';
import { TICKET_PATTERN_LIMITS } from '../../domain/ticket-pattern.js';
import { FEEDBACK_TYPES, SURVEY_TYPES } from '../../domain/survey-types.js';
import { variantsOf } from '../../domain/variants.js';
import type { RawSettings, WorkspaceSettings } from '../../domain/workspace-settings.js';
import { SETTINGS_MODAL } from '../ids.js';
import { textInput, type TextInputOptions, usersInput } from './inputs.js';
import { selectedIn, textIn, usersIn, type StateValues } from './view-state.js';

type Block = KnownBlock;

/** Every setting is optional unless said otherwise: empty means the default. */
function text(name: keyof RawSettings, label: string, value: string | undefined, options: TextInputOptions = {}): Block {
  return textInput(name, label, value, { optional: true, ...options });
}

function option(value: string, label: string): PlainTextOption {
  return { text: { type: 'plain_text', text: label }, value };
}

/** Every setting an admin may change; each block_id names the setting it feeds. */
export function settingsModal(settings: WorkspaceSettings): ModalView {
  const types = FEEDBACK_TYPES.map((type) => option(type, SURVEY_TYPES[type].label));
  const numbering = FEEDBACK_TYPES.map((type) => `${SURVEY_TYPES[type].label} 0–${variantsOf(type).length - 1}`).join(', ');
  const modes = [
    option('everyone', 'Everyone in the workspace'),
    option('listed', 'Only the people and groups below (and admins)'),
  ];
  return {
    type: 'modal',
    callback_id: SETTINGS_MODAL,
    title: { type: 'plain_text', text: 'Feedback settings' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      text('privacy_url', 'Privacy policy URL', settings.privacy_url, { placeholder: 'https://example.com/privacy' }),
      text('display_name', 'Display name in questions', settings.display_name, {
        max: LIMITS.display_name,
        hint: 'At most 20 characters. Empty: the Twitter account’s name.',
      }),
      {
        type: 'input',
        block_id: 'type',
        label: { type: 'plain_text', text: 'Default survey' },
        element: {
          type: 'static_select',
          action_id: 'type',
          options: types,
          initial_option: types.find((o) => o.value === settings.type),
        },
      },
      text('question_variant_id', 'Default question number', String(settings.question_variant_id), {
        optional: false,
        max: 2,
        hint: `${numbering}: as listed in the feedback form.`,
      }),
      text('message', 'Default Direct Message', settings.message, {
        optional: false,
        multiline: true,
        hint: '{ticket} and {agent} are replaced by the ticket id and the agent’s name.',
      }),
      text('ticket_pattern', 'Ticket reference pattern', settings.ticket_pattern, {
        hint:
          'A regular expression with one group around the id, e.g. INC-(\\d+); no lookahead, lookbehind or backreferences. ' +
          'Empty: the usual ticket, case and Jira forms.',
        max: TICKET_PATTERN_LIMITS.length,
      }),
      text('allowlist', 'Allowlisted customers', settings.allowlist.join('\n'), {
        multiline: true,
        hint: 'Handles or ids that Twitter allows to receive more than one request (one per line). They skip the per-customer limits.',
      }),
      text('recipient_days', 'One request per customer every … days', String(settings.recipient_days), {
        optional: false,
        max: 3,
        hint: 'Twitter suggests at most one a week (7); its own limit is one a day (1).',
      }),
      {
        type: 'input',
        block_id: 'senders_mode',
        label: { type: 'plain_text', text: 'Who may send' },
        element: {
          type: 'radio_buttons',
          action_id: 'senders_mode',
          options: modes,
          initial_option: modes.find((o) => o.value === settings.senders.mode),
        },
      },
      usersInput('sender_users', 'People who may send', settings.senders.users, 'Used when only listed people may send.'),
      text('sender_usergroups', 'User groups who may send', settings.senders.usergroups.join(' '), {
        hint: 'User group ids (S0123ABCD), separated by spaces.',
      }),
      usersInput('admins', 'Also administer this app', settings.admins, 'Workspace admins and owners always can.'),
    ],
  };
}

/** The form as text and lists; the rules are checked by the domain. */
export function readSettings(values: StateValues | undefined): RawSettings {
  const value = (id: string) => textIn(values, id);
  return {
    privacy_url: value('privacy_url'),
    display_name: value('display_name'),
    type: selectedIn(values, 'type'),
    question_variant_id: value('question_variant_id'),
    message: value('message'),
    ticket_pattern: value('ticket_pattern'),
    allowlist: value('allowlist'),
    recipient_days: value('recipient_days'),
    senders_mode: selectedIn(values, 'senders_mode'),
    sender_users: usersIn(values, 'sender_users'),
    sender_usergroups: value('sender_usergroups'),
    admins: usersIn(values, 'admins'),
  };
}
