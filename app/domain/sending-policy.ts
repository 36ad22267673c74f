import { createHash } from 'node:crypto';
import { parseRecipient } from './feedback-request.js';
import type { SendingPolicy } from './workspace-settings.js';

/** A request asks no further ahead than this: a schedule is for "after the ticket closes", not a calendar. */
export const MAX_DELAY_MINUTES = 30 * 24 * 60;

/** Who an automatic request is for, as far as it is known: the id once Twitter gave it. */
export interface PolicyCustomer {
  id?: string;
  handle?: string;
}

/** A customer as given, without '@' and case, so that "@Jack" and "jack" decide alike. */
function customerKey(customer: string): string {
  return customer.trim().replace(/^@/, '').toLowerCase();
}

/**
 * Whether this customer and ticket fall in the sampled share. The same pair always decides
 * the same way, on every instance and every retry of a trigger: a hash, never a random draw.
 */
export function sampledIn(percent: number, teamId: string, customer: string, ticket: string | undefined): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  const digest = createHash('sha256')
    .update(`${teamId}\n${customerKey(customer)}\n${ticket ?? ''}`)
    .digest();
  // Hundredths of a percent, 0–9999, spread evenly over the hash.
  return digest.readUInt32BE(0) % 10_000 < Math.round(percent * 100);
}

/** Listed by handle (any case, with or without '@') or by user id. */
export function isExcluded(excluded: readonly string[], customer: PolicyCustomer): boolean {
  const handle = customer.handle === undefined ? undefined : customerKey(customer.handle);
  return excluded.some((entry) => {
    const listed = parseRecipient(entry);
    if (listed?.kind === 'id') return listed.id === customer.id;
    return listed?.kind === 'handle' && listed.screen_name.toLowerCase() === handle;
  });
}

/** The policy form's fields, as text, keyed by the setting they feed. */
export interface RawPolicy {
  delay_minutes?: string;
  sampling_percent?: string;
  excluded?: string;
  test_mode?: boolean;
}

export type PolicyErrors = Partial<Record<keyof RawPolicy, string>>;

function entries(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** Every rule of the automatic-sending policy; errors are keyed by the form field. */
export function checkPolicy(raw: RawPolicy): { ok: true; value: SendingPolicy } | { ok: false; errors: PolicyErrors } {
  const errors: PolicyErrors = {};
  const delay = Number(raw.delay_minutes?.trim() || 0);
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_MINUTES) {
    errors.delay_minutes = `A whole number of minutes from 0 to ${MAX_DELAY_MINUTES.toLocaleString('en-US')} (30 days).`;
  }
  const percentText = raw.sampling_percent?.trim() ?? '';
  const percent = Number(percentText === '' ? NaN : percentText);
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    errors.sampling_percent = 'A whole number from 0 to 100.';
  }
  const excluded = entries(raw.excluded);
  const wrong = excluded.filter((entry) => !parseRecipient(entry));
  if (wrong.length) errors.excluded = `Not a handle or user id: ${wrong.slice(0, 3).join(', ')}`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: { delay_minutes: delay, sampling_percent: percent, excluded, test_mode: raw.test_mode === true },
  };
}
