import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { DIGEST_DEFAULTS, RETENTION_DAYS, type RawResultsSettings, WEEKDAYS } from '../../domain/results-settings.js';
import { DEFAULT_ALERT_THRESHOLDS, type WorkspaceSettings } from '../../domain/workspace-settings.js';
import { RESULTS_SETTINGS_MODAL } from '../ids.js';
import { textInput, usersInput } from './inputs.js';
import { conversationsIn, selectedIn, textIn, usersIn, type StateValues } from './view-state.js';

type Field = keyof RawResultsSettings;

function option(value: number, label: string): PlainTextOption {
  return { text: { type: 'plain_text', text: label }, value: String(value) };
}

function select(blockId: Field, label: string, options: PlainTextOption[], initial: number, hint?: string): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: { type: 'plain_text', text: label },
    ...(hint ? { hint: { type: 'plain_text', text: hint } } : {}),
    element: {
      type: 'static_select',
      action_id: blockId,
      options,
      initial_option: options.find((o) => o.value === String(initial)),
    },
  };
}

/**
 * A channel, or none. A single select cannot be emptied once something is chosen, so this is a multi-select of at
 * most one: removing the channel turns the feature off.
 */
function channel(blockId: Field, label: string, initial: string | undefined, hint: string): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: { type: 'plain_text', text: label },
    hint: { type: 'plain_text', text: hint },
    element: {
      type: 'multi_conversations_select',
      action_id: blockId,
      max_selected_items: 1,
      filter: { include: ['public', 'private'], exclude_bot_users: true },
      ...(initial ? { initial_conversations: [initial] } : {}),
    },
  };
}

function heading(text: string, blockId: string): KnownBlock {
  return { type: 'header', block_id: blockId, text: { type: 'plain_text', text } };
}

function range(from: number, to: number, label: (n: number) => string = String): PlainTextOption[] {
  return Array.from({ length: to - from + 1 }, (_, i) => option(from + i, label(from + i)));
}

/** Who reads results, and what the app posts about them; each block_id names the setting it feeds. */
export function resultsSettingsModal(settings: WorkspaceSettings): ModalView {
  const alerts = settings.alerts ?? { ...DEFAULT_ALERT_THRESHOLDS, channel: undefined };
  const digest = settings.digest ?? { ...DIGEST_DEFAULTS, channel: undefined };
  const { min, max } = RETENTION_DAYS;
  return {
    type: 'modal',
    callback_id: RESULTS_SETTINGS_MODAL,
    title: { type: 'plain_text', text: 'Results settings' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      heading('Supervisors', 'supervisors_header'),
      usersInput(
        'supervisors_users',
        'People who see results',
        settings.supervisors.users,
        'Admins always do. Agents never see a score or a comment.',
      ),
      textInput('supervisors_usergroups', 'User groups who see results', settings.supervisors.usergroups.join(' '), {
        optional: true,
        hint: 'User group ids (S0123ABCD), separated by spaces.',
      }),
      heading('Low-score alerts', 'alerts_header'),
      channel('alerts_channel', 'Post low scores in', alerts.channel, 'No channel: no alerts. Invite the app to the channel.'),
      select('alerts_csat_at_most', 'CSAT scores at or below', range(1, 5), alerts.csat_at_most, 'CSAT runs from 1 to 5.'),
      select('alerts_nps_at_most', 'NPS scores at or below', range(0, 10), alerts.nps_at_most, 'NPS runs from 0 to 10.'),
      heading('Weekly digest', 'digest_header'),
      channel(
        'digest_channel',
        'Post the week’s numbers in',
        digest.channel,
        'No channel: no digest. Invite the app to the channel.',
      ),
      select(
        'digest_weekday',
        'On',
        range(0, 6, (day) => WEEKDAYS[day]),
        digest.weekday,
      ),
      select(
        'digest_hour',
        'At',
        range(0, 23, (hour) => `${String(hour).padStart(2, '0')}:00`),
        digest.hour,
      ),
      textInput('digest_time_zone', 'Time zone', digest.time_zone, {
        optional: true,
        max: 64,
        hint: 'As in the IANA time zone database: Europe/Paris, America/New_York, UTC.',
      }),
      heading('Keeping answers', 'retention_header'),
      textInput('retention_days', 'Delete answers and send records after … days', String(settings.retention_days), {
        max: 4,
        hint: `From ${min} to ${max.toLocaleString('en-US')} days.`,
      }),
    ],
  };
}

/** The form as Slack reports it; the rules are checked by the domain. */
export function readResultsSettings(values: StateValues | undefined): RawResultsSettings {
  return {
    supervisors_users: usersIn(values, 'supervisors_users'),
    supervisors_usergroups: textIn(values, 'supervisors_usergroups'),
    alerts_channel: conversationsIn(values, 'alerts_channel')[0],
    alerts_csat_at_most: selectedIn(values, 'alerts_csat_at_most'),
    alerts_nps_at_most: selectedIn(values, 'alerts_nps_at_most'),
    digest_channel: conversationsIn(values, 'digest_channel')[0],
    digest_weekday: selectedIn(values, 'digest_weekday'),
    digest_hour: selectedIn(values, 'digest_hour'),
    digest_time_zone: textIn(values, 'digest_time_zone'),
    retention_days: textIn(values, 'retention_days'),
  };
}
