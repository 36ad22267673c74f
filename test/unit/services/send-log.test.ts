import { randomBytes } from 'node:crypto';
import type { Prepared } from '../../../app/services/feedback-relay.js';
import { SendLog } from '../../../app/services/send-log.js';
import { eachBackend, openTestStore } from '../../support/stores.js';

const KEY = randomBytes(32);

function prepared(n: number): Prepared {
  const to = String(9_000_000 + n);
  return {
    request: {
      type: 'csat',
      question_variant_id: 0,
      to_user_id: to,
      message: 'How did we do?',
      privacy_url: 'https://acme.example/privacy',
    },
    recipient: { id: to, label: to },
  } as Prepared;
}

eachBackend((backend, test) => {
  test('send log: sends begun at once on two instances are all in the agent’s recent list, newest first, kept to 20', async (t) => {
    const url = await backend.shared();
    const [a, b] = await Promise.all([
      openTestStore({ storeUrl: url, encryptionKey: KEY }),
      openTestStore({ storeUrl: url, encryptionKey: KEY }),
    ]);
    let tick = Date.parse('2026-11-21T09:00:00.000Z');
    // Distinct times, so that "newest" has one answer; both instances read the same clock.
    const clock = () => new Date(tick++);
    const logs = [new SendLog(a.records('sends'), a, clock), new SendLog(b.records('sends'), b, clock)];
    const begun = await Promise.all(
      Array.from({ length: 24 }, (_, n) =>
        logs[n % 2].begin('T0ACME0001', 'U0AGENT001', '1212121212121', prepared(n), { id: `r${n}`, keys: [] }),
      ),
    );
    await logs[0].begin('T0ACME0001', 'U0OTHER001', '1212121212121', prepared(99), { id: 'other', keys: [] });

    const newestFirst = [...begun].sort((x, y) => y.created_at.localeCompare(x.created_at)).map((r) => r.id);
    t.deepEqual(
      (await logs[1].recent('T0ACME0001', 'U0AGENT001', 50)).map((r) => r.id),
      newestFirst.slice(0, 20),
    );
    t.deepEqual(
      (await logs[0].recent('T0ACME0001', 'U0AGENT001', 3)).map((r) => r.id),
      newestFirst.slice(0, 3),
    );
    t.is((await a.members('agent-sends:T0ACME0001:U0AGENT001')).length, 20, 'older ones leave the list once passed over');
    t.deepEqual(
      (await logs[0].recent('T0ACME0001', 'U0OTHER001')).map((r) => r.agent_id),
      ['U0OTHER001'],
    );
    t.deepEqual(await logs[0].recent('T0GLOBEX01', 'U0AGENT001'), [], 'another workspace sees none of them');
    await Promise.all([a.close(), b.close()]);
  });

  test('send log: a send settled by a process that stopped before taking its pending mark away is not pending', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.shared(), encryptionKey: KEY });
    const log = new SendLog(store.records('sends'), store, () => new Date('2026-11-21T09:00:00.000Z'));
    const interrupted = await log.begin('T0ACME0001', 'U0AGENT001', '1212121212121', prepared(1), { id: 'r1', keys: [] });
    const settled = await log.begin('T0ACME0001', 'U0AGENT001', '1212121212121', prepared(2), { id: 'r2', keys: [] });
    // As settle leaves it when the process stops between its two steps.
    await store.records('sends').set({ teamId: 'T0ACME0001' }, `send-${settled.id}`, { ...settled, status: 'sent' });
    t.deepEqual(
      (await log.pending(0)).map((r) => r.id),
      [interrupted.id],
    );
    t.deepEqual(await store.members('pending-sends'), [`T0ACME0001/${interrupted.id}`]);
    await store.close();
  });
});
