import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Records, Store } from '../store/store.js';

/** An answer as it is sent, so that it can be sent again the same. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type Once =
  | { outcome: 'answered'; answer: StoredAnswer; replayed: boolean }
  /** The key was used with another request. */
  | { outcome: 'mismatch' }
  /** The first request with the key is still being answered. */
  | { outcome: 'in_progress' };

interface Remembered {
  fingerprint: string;
  answer: StoredAnswer;
}

/** A client retries within a day, as the helpdesks' own retries do. */
export const REMEMBERED_MS = 24 * 60 * 60 * 1000;
/**
 * How long one request may hold its key while it is answered. A process that dies
 * holding it frees the key after this; a request is answered long before.
 */
const HOLD_MS = 2 * 60 * 1000;
/** How long a duplicate waits for the first request's answer before it is told to come back. */
const WAIT_MS = 3_000;
const POLL_MS = 25;

/**
 * What identifies "the same request": its JSON with every object's keys in order, so
 * that key order and white space do not make a retried body look different.
 */
export function fingerprint(method: string, path: string, body: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify([method, path, canonical(body)]))
    .digest('hex');
}

/**
 * Idempotency keys: a request sent again with the key it was first sent with gets the
 * first answer, and does nothing again. Only what was done is remembered: an answer that
 * did nothing (a refused request, a failure) frees the key for a corrected retry.
 */
export class Idempotency {
  constructor(
    private readonly records: Records,
    private readonly store: Pick<Store, 'claim' | 'unclaim'>,
  ) {}

  /**
   * Runs `work` once per `scope` and key across every instance; `keep` says whether its
   * answer stands for the key. Two requests with one key at once never both run it: the
   * second waits for the first's answer, and is told to retry if that takes too long.
   */
  async once(
    teamId: string,
    scope: string,
    key: string,
    print: string,
    work: () => Promise<StoredAnswer>,
    keep: (answer: StoredAnswer) => boolean,
  ): Promise<Once> {
    const name = `${scope}:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
    const claim = `idempotency:${teamId}:${name}`;
    const remembered = async (): Promise<Once | undefined> => {
      const found = await this.records.get<Remembered>({ teamId }, name);
      if (!found) return undefined;
      return found.fingerprint === print
        ? { outcome: 'answered', answer: found.answer, replayed: true }
        : { outcome: 'mismatch' };
    };
    const giveUpAt = Date.now() + WAIT_MS;
    for (;;) {
      const earlier = await remembered();
      if (earlier) return earlier;
      if (await this.store.claim(claim, HOLD_MS)) break;
      if (Date.now() > giveUpAt) return { outcome: 'in_progress' };
      await delay(POLL_MS);
    }
    try {
      // The holder before may have answered and let go between the look and the claim.
      const earlier = await remembered();
      if (earlier) return earlier;
      const answer = await work();
      if (keep(answer)) await this.records.set<Remembered>({ teamId }, name, { fingerprint: print, answer }, REMEMBERED_MS);
      return { outcome: 'answered', answer, replayed: false };
    } finally {
      await this.store.unclaim(claim);
    }
  }
}
