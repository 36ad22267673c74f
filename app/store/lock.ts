import { setTimeout as delay } from 'node:timers/promises';
import type { AtomicOperations } from './backend.js';

/** Runs `work` while no other process sharing the store runs work under the same key. */
export type Lock = <T>(key: string, work: () => Promise<T>) => Promise<T>;

/** A holder that died is taken over after this; no change under a lock takes nearly as long. */
const HOLD_MS = 10_000;
/** Longer than a hold, so that a dead holder's key is always taken over in time. */
const WAIT_MS = 15_000;
const RETRY_MS = 20;

/**
 * A lock made of the store's atomic claim: for the few records that are read, changed and
 * written whole, where two instances changing one at once would lose one change.
 */
export function claimLock(ops: Pick<AtomicOperations, 'claim' | 'unclaim'>): Lock {
  return async (key, work) => {
    const name = `lock:${key}`;
    const giveUpAt = Date.now() + WAIT_MS;
    while (!(await ops.claim(name, HOLD_MS))) {
      if (Date.now() > giveUpAt) throw new Error(`Another instance kept ${key} locked for over ${WAIT_MS / 1000} s`);
      // Spread out, so that waiters do not all try again at the same moment.
      await delay(RETRY_MS * (0.5 + Math.random()));
    }
    try {
      return await work();
    } finally {
      await ops.unclaim(name);
    }
  };
}
