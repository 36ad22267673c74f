import { length } from './feedback-request.js';

/**
 * An API key reads `twfb_<team id>_<secret>`. The prefix makes a leaked key recognisable
 * (to secret scanners, and to the logger, which hides it); the team id says which
 * workspace's keys to look in, as Slack's own tokens carry theirs; the secret is 32
 * random bytes in base64url, 43 characters.
 */
export const API_KEY_PREFIX = 'twfb_';
const SECRET_LENGTH = 43;
const TEAM = '[A-Za-z0-9_-]{1,64}';
const SECRET = `[A-Za-z0-9_-]{${SECRET_LENGTH}}`;
const WHOLE_KEY = new RegExp(`^${API_KEY_PREFIX}(${TEAM})_${SECRET}$`);

/** Anything that looks like a key, anywhere in a text: what the logger hides. */
export const API_KEY_ANYWHERE = new RegExp(`${API_KEY_PREFIX}${TEAM}_${SECRET}`, 'g');

export function formatApiKey(teamId: string, secret: Buffer): string {
  const text = secret.toString('base64url');
  if (text.length !== SECRET_LENGTH) throw new RangeError('An API key secret is 32 bytes');
  return `${API_KEY_PREFIX}${teamId}_${text}`;
}

/** The workspace a presented key names, or undefined for anything that is not a key at all. */
export function apiKeyWorkspace(key: string): string | undefined {
  // The secret's own alphabet holds '_': the team id is what comes before the last 44 characters.
  return WHOLE_KEY.exec(key)?.[1];
}

export const API_KEY_NAME_MAX = 50;

/** A key's name, as an admin types it in App Home: something that says who uses it. */
export function checkApiKeyName(name: string | undefined): { ok: true; value: string } | { ok: false; error: string } {
  const text = (name ?? '').trim();
  if (!text) return { ok: false, error: 'Name the key after what will use it, such as "Zendesk".' };
  if (length(text) > API_KEY_NAME_MAX) {
    return { ok: false, error: `At most ${API_KEY_NAME_MAX} characters (this one has ${length(text)}).` };
  }
  if (/[\p{Cc}\p{Cs}]/u.test(text)) return { ok: false, error: 'Contains an invisible or broken character: retype it.' };
  return { ok: true, value: text };
}
