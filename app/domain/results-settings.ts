import { DEFAULT_ALERT_THRESHOLDS, SETTINGS_DEFAULTS, type WorkspaceSettings } from './workspace-settings.js';

/** What the Results settings form edits; the other settings have forms of their own. */
export type ResultsSettings = Pick<WorkspaceSettings, 'supervisors' | 'alerts' | 'digest' | 'retention_days'>;

/** Answers and send records are kept from a month to ten years. */
export const RETENTION_DAYS = { min: 30, max: 3650 } as const;

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** The form's fields, as Slack reports them, keyed by the block each sits in. */
export interface RawResultsSettings {
  supervisors_users?: string[];
  supervisors_usergroups?: string;
  alerts_channel?: string;
  alerts_csat_at_most?: string;
  alerts_nps_at_most?: string;
  digest_channel?: string;
  digest_weekday?: string;
  digest_hour?: string;
  digest_time_zone?: string;
  retention_days?: string;
}

export type ResultsSettingsErrors = Partial<Record<keyof RawResultsSettings, string>>;

/** The weekly digest goes out on Monday at 9 in the morning unless admins choose otherwise. */
export const DIGEST_DEFAULTS = { weekday: 1, hour: 9, time_zone: 'UTC' } as const;

function wholeIn(raw: string | undefined, fallback: number, min: number, max: number): number | undefined {
  const text = raw?.trim();
  if (!text) return fallback;
  if (!/^\d{1,6}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/**
 * An IANA time zone this runtime knows, with its capitals put right (europe/paris: Europe/Paris). A name ICU knows
 * under an older one (Asia/Kolkata, Asia/Calcutta to ICU) is kept as the admin wrote it.
 */
export function checkedTimeZone(name: string): string | undefined {
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
  } catch {
    return undefined;
  }
}

const USERGROUP = /^S[A-Z0-9]+$/;
const CHANNEL = /^[CG][A-Z0-9]+$/;

/** Every rule the Results settings keep; errors are keyed by the block of the field at fault. */
export function checkResultsSettings(
  raw: RawResultsSettings,
): { ok: true; value: ResultsSettings } | { ok: false; errors: ResultsSettingsErrors } {
  const errors: ResultsSettingsErrors = {};
  const usergroups = (raw.supervisors_usergroups ?? '').split(/[\s,]+/).filter(Boolean);
  if (usergroups.some((id) => !USERGROUP.test(id))) errors.supervisors_usergroups = 'User group ids look like S0123ABCD.';

  const alertsChannel = raw.alerts_channel?.trim();
  if (alertsChannel && !CHANNEL.test(alertsChannel)) errors.alerts_channel = 'Choose a channel.';
  const csat = wholeIn(raw.alerts_csat_at_most, DEFAULT_ALERT_THRESHOLDS.csat_at_most, 1, 5);
  if (csat === undefined) errors.alerts_csat_at_most = 'A CSAT score from 1 to 5.';
  const nps = wholeIn(raw.alerts_nps_at_most, DEFAULT_ALERT_THRESHOLDS.nps_at_most, 0, 10);
  if (nps === undefined) errors.alerts_nps_at_most = 'An NPS score from 0 to 10.';

  const digestChannel = raw.digest_channel?.trim();
  if (digestChannel && !CHANNEL.test(digestChannel)) errors.digest_channel = 'Choose a channel.';
  const weekday = wholeIn(raw.digest_weekday, DIGEST_DEFAULTS.weekday, 0, 6);
  if (weekday === undefined) errors.digest_weekday = 'Choose a day of the week.';
  const hour = wholeIn(raw.digest_hour, DIGEST_DEFAULTS.hour, 0, 23);
  if (hour === undefined) errors.digest_hour = 'An hour from 0 to 23.';
  const zoneName = raw.digest_time_zone?.trim() || DIGEST_DEFAULTS.time_zone;
  const timeZone = checkedTimeZone(zoneName);
  if (!timeZone) errors.digest_time_zone = 'A time zone such as Europe/Paris, America/New_York or UTC.';

  const retention = wholeIn(raw.retention_days, SETTINGS_DEFAULTS.retention_days, RETENTION_DAYS.min, RETENTION_DAYS.max);
  if (retention === undefined) {
    errors.retention_days = `A whole number of days from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max.toLocaleString('en-US')}.`;
  }

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      supervisors: { users: raw.supervisors_users ?? [], usergroups },
      // No channel: no alerts, no digest; their thresholds and times go back to the defaults.
      alerts: alertsChannel ? { channel: alertsChannel, csat_at_most: csat!, nps_at_most: nps! } : undefined,
      digest: digestChannel ? { channel: digestChannel, weekday: weekday!, hour: hour!, time_zone: timeZone! } : undefined,
      retention_days: retention!,
    },
  };
}
