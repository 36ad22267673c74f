import { randomBytes } from 'node:crypto';
import type { AnswerEvent } from '../../../app/domain/answers.js';
import { ONE_SENT, ZERO } from '../../../app/domain/results.js';
import { AnswerBook } from '../../../app/services/answer-book.js';
import { Confirmations } from '../../../app/services/confirmations.js';
import type { Prepared } from '../../../app/services/feedback-relay.js';
import { RecordKeeping } from '../../../app/services/record-keeping.js';
import { SendLog } from '../../../app/services/send-log.js';
import { claimLock } from '../../../app/store/lock.js';
import type { Store } from '../../../app/store/store.js';
import { eachBackend, openTestStore } from '../../support/stores.js';

const KEY = randomBytes(32);
const ACCOUNT = '1111111111';
const TOKENS = { access_token: `${ACCOUNT}-token`, access_token_secret: 'secret' };
const NOW = Date.parse('2026-11-23T12:00:00Z');
const OLD = '2026-10-01';
const RECENT = '2026-11-20';
const ACME = 'T0ACME0001';
const GLOBEX = 'T0GLOBEX01';

function parts(store: Store, retention: Record<string, number>, batch?: number) {
  let sendAt = NOW;
  const sends = new SendLog(store.records('sends'), store, () => new Date(sendAt));
  let keeping: RecordKeeping | undefined;
  const book = new AnswerBook({
    records: store.records('answers'),
    store,
    lock: claimLock(store),
    sends,
    accounts: {
      workspacesWith: (userId) => store.accounts.workspacesWith(userId),
      connected: async (teamId) => (await store.accounts.list({ teamId })).map((a) => a.user_id),
    },
    forgotten: (teamId, answer) => keeping!.isForgotten(teamId, answer),
  });
  keeping = new RecordKeeping({
    store,
    forgotten: store.records('forgotten'),
    lock: claimLock(store),
    answers: book,
    sends,
    confirmations: new Confirmations(store.records('confirmations'), store, () => NOW),
    settings: { forWorkspace: async (teamId) => ({ retention_days: retention[teamId] ?? 400 }) },
    teams: async () => Object.keys(retention),
    warn: () => undefined,
    now: () => NOW,
    batch,
  });
  /** A card the app sent for the workspace on `day`, answered with a score of 4. */
  async function answered(teamId: string, feedbackId: string, day: string, customer = '9000001'): Promise<void> {
    const at = `${day}T09:00:00.000Z`;
    sendAt = Date.parse(at);
    const prepared = {
      request: {
        type: 'csat',
        question_variant_id: 0,
        to_user_id: customer,
        message: 'Hi',
        privacy_url: 'https://x.example',
        test: false,
      },
      recipient: { id: customer, label: '@jack', handle: 'jack' },
    } as Prepared;
    const record = await sends.begin(teamId, 'U0AGENT001', ACCOUNT, prepared, { id: `r-${feedbackId}`, keys: [] });
    await sends.settle(record, {
      status: 'sent',
      feedback: {
        id: feedbackId,
        type: 'csat',
        test: false,
        dm_id: 'd',
        from_user_id: ACCOUNT,
        to_user_id: customer,
        created_at: at,
      },
    } as never);
    const event: AnswerEvent = {
      event_type: 'feedback.updated',
      feedback_id: feedbackId,
      type: 'csat',
      test: false,
      created_at: at,
      updated_at: `${day}T10:00:00.000Z`,
      from_user_id: ACCOUNT,
      to_user_id: customer,
      score: { value: 4, created_at: `${day}T10:00:00.000Z` },
    };
    await book.record(event);
  }
  return { sends, book, keeping, answered };
}

const ONE_ANSWER = { ...ONE_SENT, sent_answered: 1, csat_answered: 1, csat_satisfied: 1, csat_sum: 4 };

async function connect(store: Store, ...teams: string[]): Promise<void> {
  for (const teamId of teams) {
    await store.accounts.add({ teamId }, { user_id: ACCOUNT, screen_name: 'acme', name: 'Acme', tokens: TOKENS });
  }
}

eachBackend((backend, test) => {
  test('retention: answers and send records past a workspace’s days go with their counters; newer ones and other workspaces stay', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await connect(store, ACME, GLOBEX);
    const { book, sends, keeping, answered } = parts(store, { [ACME]: 30, [GLOBEX]: 400 });
    await answered(ACME, '501', OLD);
    await answered(ACME, '502', RECENT);
    await answered(GLOBEX, '503', OLD);
    t.deepEqual((await book.counters(ACME, [OLD])).get(OLD), ONE_ANSWER);

    t.is(await keeping.run(), 2, 'the old answer and its send record');
    t.is(await book.answer(ACME, '501'), undefined);
    t.is(await sends.sentCard('501'), undefined);
    t.deepEqual((await book.counters(ACME, [OLD])).get(OLD), ZERO, 'no figures for what is no longer kept');
    t.like(await book.answer(ACME, '502'), { score: { value: 4 } });
    t.deepEqual((await book.counters(ACME, [RECENT])).get(RECENT), ONE_ANSWER);
    t.like(await book.answer(GLOBEX, '503'), { score: { value: 4 } }, 'another workspace keeps its own for its own days');
    t.deepEqual((await book.counters(GLOBEX, [OLD])).get(OLD), ONE_ANSWER);

    t.is(await keeping.run(), 0, 'a second run finds nothing more');
    t.deepEqual((await book.counters(ACME, [OLD])).get(OLD), ZERO, 'and takes nothing away twice');
  });

  test('retention: a run deletes at most a batch per workspace, and the next run goes on where it stopped', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await connect(store, ACME);
    const { book, keeping, answered } = parts(store, { [ACME]: 30 }, 3);
    for (const id of ['601', '602', '603']) await answered(ACME, id, OLD);
    await answered(ACME, '604', '2026-10-02');
    const runs = [await keeping.run(), await keeping.run(), await keeping.run(), await keeping.run()];
    t.deepEqual(runs, [3, 3, 2, 0]);
    t.deepEqual((await book.counters(ACME, [OLD, '2026-10-02'])).get('2026-10-02'), ZERO);
  });

  test('retention: two instances running at once never take a record away twice', async (t) => {
    const url = await backend.shared();
    const stores = await Promise.all([0, 1].map(() => openTestStore({ storeUrl: url, encryptionKey: KEY })));
    await connect(stores[0], ACME);
    const [first, second] = stores.map((store) => parts(store, { [ACME]: 30 }, 2));
    for (const id of ['701', '702', '703']) await first.answered(ACME, id, OLD);
    for (let i = 0; i < 4; i++) await Promise.all([first.keeping.run(), second.keeping.run()]);
    t.deepEqual((await first.book.counters(ACME, [OLD])).get(OLD), ZERO);
  });

  test('forget: a customer’s answers and sends go from one workspace only, with what they added to the counters', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await connect(store, ACME, GLOBEX);
    const { book, keeping, answered } = parts(store, { [ACME]: 400, [GLOBEX]: 400 });
    await answered(ACME, '801', RECENT, '9000001');
    await answered(ACME, '802', RECENT, '9000002');
    await answered(GLOBEX, '803', RECENT, '9000001');
    t.deepEqual(await keeping.forget(ACME, { kind: 'id', id: '9000001' }, 400), { answers: 1, sends: 1, confirmations: 0 });
    t.is(await book.answer(ACME, '801'), undefined);
    t.deepEqual((await book.counters(ACME, [RECENT])).get(RECENT), ONE_ANSWER, 'the other customer still counts');
    t.like(await book.answer(GLOBEX, '803'), { score: { value: 4 } }, 'another workspace is not touched');
    t.deepEqual(await keeping.forget(ACME, { kind: 'id', id: '9000001' }, 400), { answers: 0, sends: 0, confirmations: 0 });
  });
});
