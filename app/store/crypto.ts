import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest: AES-256-GCM, one random IV per value. The sealed form names its
 * format version so the scheme can change later without guessing how a value was made.
 *
 *   v1.<iv>.<tag>.<ciphertext>   (each part base64url)
 */
const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface SealKeys {
  current: Buffer;
  /** The key being rotated away from; values it opens should be sealed again. */
  previous?: Buffer;
}

export interface Opened {
  plaintext: string;
  sealedWithPrevious: boolean;
}

/** Never carries key material or plaintext: only what went wrong. */
export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new SealError(`An encryption key must be ${KEY_BYTES} bytes`);
}

/**
 * `context` is authenticated but not stored: it names the record the value belongs to,
 * so a value copied into another record (another workspace, another account, another
 * field) does not open there.
 */
export function seal(plaintext: string, key: Buffer, context: string): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ...[iv, tag, ciphertext].map((part) => part.toString('base64url'))].join('.');
}

interface Parts {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parse(sealed: string): Parts {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SealError(`Not a sealed value of format ${VERSION}`);
  }
  const [iv, tag, ciphertext] = parts.slice(1).map((part) => {
    if (!BASE64URL.test(part)) throw new SealError('The sealed value is malformed');
    return Buffer.from(part, 'base64url');
  });
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealError('The sealed value is malformed');
  return { iv, tag, ciphertext };
}

function tryOpen({ iv, tag, ciphertext }: Parts, key: Buffer, context: string): string | undefined {
  checkKey(key);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // GCM cannot tell a wrong key from altered data: both fail the same check.
    return undefined;
  }
}

export function open(sealed: string, keys: SealKeys, context: string): Opened {
  const parts = parse(sealed);
  const current = tryOpen(parts, keys.current, context);
  if (current !== undefined) return { plaintext: current, sealedWithPrevious: false };
  if (keys.previous) {
    const previous = tryOpen(parts, keys.previous, context);
    if (previous !== undefined) return { plaintext: previous, sealedWithPrevious: true };
  }
  throw new SealError('The sealed value did not open: it was sealed with another key, altered, or copied from another record');
}
