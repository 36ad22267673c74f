import test from 'ava';
import { Confirmations, type PendingConfirmation } from '../../../app/services/confirmations.js';
import type { Records } from '../../../app/store/store.js';

interface Saved {
  value: unknown;
  ttlMs?: number;
}

function recordingRecords(): { records: Records; saved: Map<string, Saved> } {
  const saved = new Map<string, Saved>();
  const key = (teamId: string, name: string) => `${teamId}:${name}`;
  return {
    saved,
    records: {
      get: async <T>({ teamId }: { teamId: string }, name: string) => saved.get(key(teamId, name))?.value as T | undefined,
      set: async ({ teamId }, name, value, ttlMs) => void saved.set(key(teamId, name), { value, ttlMs }),
      delete: async ({ teamId }, name) => saved.delete(key(teamId, name)),
    },
  };
}

const PENDING: PendingConfirmation = {
  user_id: 'U1',
  draft: { type: 'csat', to_user_id: '@jack', message: 'How did we do?' },
  channel_id: 'C1',
  response_url: 'https://hooks.slack.com/commands/T1/1/x',
};

test('a saved confirmation loads back whole, in its own workspace only', async (t) => {
  const confirmations = new Confirmations(recordingRecords().records);
  const id = await confirmations.save('T1', PENDING);
  t.deepEqual(await confirmations.load('T1', id), PENDING);
  t.is(await confirmations.load('T2', id), undefined);
});

test('each confirmation gets its own id, and lasts half a day', async (t) => {
  const { records, saved } = recordingRecords();
  const confirmations = new Confirmations(records);
  const first = await confirmations.save('T1', PENDING);
  const second = await confirmations.save('T1', PENDING);
  t.not(first, second);
  t.regex(first, /^[0-9a-f-]{36}$/);
  t.deepEqual(
    [...saved.values()].map((entry) => entry.ttlMs),
    [12 * 60 * 60 * 1000, 12 * 60 * 60 * 1000],
  );
});
