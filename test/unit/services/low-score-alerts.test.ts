import { randomBytes } from 'node:crypto';
import type { AlertContent } from '../../../app/domain/alerts.js';
import type { AnswerEvent } from '../../../app/domain/answers.js';
import { AnswerBook } from '../../../app/services/answer-book.js';
import type { Prepared } from '../../../app/services/feedback-relay.js';
import { type AlertMessages, LowScoreAlerts } from '../../../app/services/low-score-alerts.js';
import { NotPosted } from '../../../app/services/not-posted.js';
import { SendLog } from '../../../app/services/send-log.js';
import { SettingsSource } from '../../../app/services/settings.js';
import { claimLock } from '../../../app/store/lock.js';
import type { Store } from '../../../app/store/store.js';
import { eachBackend, openTestStore } from '../../support/stores.js';

const KEY = randomBytes(32);
const TEAM = 'T0ACME0001';
const ACME = '1111111111';
const SENT_AT = 'Mon Nov 23 09:00:00 +0000 2026';
const ALERTS = { channel: 'C0ALERTS01', csat_at_most: 2, nps_at_most: 6 };

type Post = { kind: 'post' | 'update'; channel: string; ts?: string; content: AlertContent };

/** Slack as alerts see it: records each post and edit; `fail` decides how the next post goes. */
class FakeMessages implements AlertMessages {
  readonly calls: Post[] = [];
  fail: Array<'refused' | 'no answer'> = [];
  private posted = 0;

  async post(_teamId: string, channel: string, content: AlertContent): Promise<string> {
    const failure = this.fail.shift();
    if (failure === 'refused') throw new NotPosted('not_in_channel');
    this.calls.push({ kind: 'post', channel, content });
    if (failure === 'no answer') throw new Error('socket hang up');
    return `1700000000.00000${++this.posted}`;
  }

  async update(_teamId: string, channel: string, ts: string, content: AlertContent): Promise<void> {
    this.calls.push({ kind: 'update', channel, ts, content });
  }
}

/** One instance of the app's answer path on `store`: book, alerts, and the work they leave running. */
function instance(store: Store, messages: AlertMessages, warnings: string[] = []) {
  const running: Promise<unknown>[] = [];
  const sends = new SendLog(store.records('sends'), store, () => new Date('2026-11-23T09:00:01.000Z'));
  const settings = new SettingsSource(store.records('settings'), {});
  const accounts = {
    list: async (teamId: string) =>
      (await store.accounts.list({ teamId })).map((a) => ({ ...a, added_at: '', needs_reconnect: false })),
  };
  const book: AnswerBook = new AnswerBook({
    records: store.records('answers'),
    store,
    lock: claimLock(store),
    sends,
    accounts: {
      workspacesWith: (userId) => store.accounts.workspacesWith(userId),
      connected: async (teamId) => (await store.accounts.list({ teamId })).map((a) => a.user_id),
    },
    changed: (teamId, before, after) => alerts.changed(teamId, before, after),
  });
  const alerts: LowScoreAlerts = new LowScoreAlerts({
    records: store.records('alerts'),
    store,
    lock: claimLock(store),
    settings,
    answers: book,
    sends,
    accounts,
    messages,
    background: (work) => running.push(work),
    warn: (message) => warnings.push(message),
    now: () => new Date('2026-11-23T12:00:00.000Z'),
  });
  return { book, alerts, sends, settings, settled: () => Promise.all(running.splice(0)) };
}

async function setUp(store: Store) {
  await store.accounts.add(
    { teamId: TEAM },
    { user_id: ACME, screen_name: 'AcmeSupport', name: 'Acme', tokens: { access_token: `${ACME}-t`, access_token_secret: 's' } },
  );
  await new SettingsSource(store.records('settings'), {}).save(TEAM, { alerts: ALERTS });
}

/** A card the app sent from a ticket thread, as Twitter's id `feedbackId`. */
async function sendFromThread(sends: SendLog, feedbackId: string): Promise<void> {
  const prepared = {
    request: {
      type: 'csat',
      question_variant_id: 0,
      to_user_id: '9000001',
      message: 'Hi',
      privacy_url: 'https://x.example',
      external_id: 'ticket_5555',
      test: false,
    },
    recipient: { id: '9000001', label: '@jack', handle: 'jack' },
  } as Prepared;
  const record = await sends.begin(TEAM, 'U0AGENT001', ACME, prepared, { id: `r-${feedbackId}`, keys: [] }, undefined, {
    channel_id: 'C0TICKETS1',
    thread_ts: '1700000000.000100',
  });
  await sends.settle(record, {
    status: 'sent',
    feedback: {
      id: feedbackId,
      type: 'csat',
      test: false,
      dm_id: 'd',
      from_user_id: ACME,
      to_user_id: '9000001',
      created_at: SENT_AT,
    },
  } as never);
}

function event(
  feedbackId: string,
  minute: number,
  response: Pick<AnswerEvent, 'score' | 'text'>,
  extra: Partial<AnswerEvent> = {},
): AnswerEvent {
  const at = `Mon Nov 23 10:${String(minute).padStart(2, '0')}:00 +0000 2026`;
  return {
    event_type: 'feedback.updated',
    feedback_id: feedbackId,
    type: 'csat',
    test: false,
    created_at: SENT_AT,
    updated_at: at,
    from_user_id: ACME,
    to_user_id: '9000001',
    ...response,
    ...extra,
  };
}
const score = (value: number, minute: number) => ({
  score: { value, created_at: `Mon Nov 23 10:${String(minute).padStart(2, '0')}:00 +0000 2026` },
});
const text = (value: string, minute: number) => ({
  text: { value, created_at: `Mon Nov 23 10:${String(minute).padStart(2, '0')}:00 +0000 2026` },
});

eachBackend((backend, test) => {
  test('a low answer posts one alert with everything known of the card; later changes edit it, repeats do nothing', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await setUp(store);
    const messages = new FakeMessages();
    const app = instance(store, messages);
    await sendFromThread(app.sends, '700');

    await app.book.record(event('700', 1, score(2, 1)));
    await app.settled();
    t.is(messages.calls.length, 1);
    t.deepEqual(messages.calls[0], {
      kind: 'post',
      channel: ALERTS.channel,
      content: {
        feedback_id: '700',
        type: 'csat',
        score: 2,
        at_most: 2,
        ticket: 'ticket_5555',
        agent: 'U0AGENT001',
        customer_id: '9000001',
        customer_handle: 'jack',
        account: '@AcmeSupport',
        thread: { channel_id: 'C0TICKETS1', thread_ts: '1700000000.000100' },
      },
    });

    await app.book.record(event('700', 2, text('Nobody answered for a week', 2)));
    await app.book.record(event('700', 2, text('Nobody answered for a week', 2)));
    await app.settled();
    t.is(messages.calls.length, 2, 'the repeat changes nothing');
    t.like(messages.calls[1], {
      kind: 'update',
      ts: '1700000000.000001',
      content: { score: 2, comment: 'Nobody answered for a week' },
    });

    // The customer thinks again: the message says the score is no longer low.
    await app.book.record(event('700', 3, score(4, 3)));
    await app.settled();
    t.like(messages.calls[2], { kind: 'update', ts: '1700000000.000001', content: { score: 4, first_score: 2, at_most: 2 } });
    t.is(messages.calls.filter((c) => c.kind === 'post').length, 1);
  });

  test('test cards, high scores and workspaces without alerts post nothing', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await setUp(store);
    const messages = new FakeMessages();
    const app = instance(store, messages);
    await app.book.record(event('801', 1, score(1, 1), { test: true }));
    await app.book.record(event('802', 1, score(3, 1)));
    await app.book.record(event('803', 1, score(7, 1), { type: 'nps' }));
    await app.settings.save(TEAM, { alerts: undefined });
    await app.book.record(event('804', 1, score(1, 1)));
    await app.settled();
    t.deepEqual(messages.calls, []);
    t.is((await app.book.answer(TEAM, '804'))?.score?.value, 1, 'the answers are recorded all the same');
  });

  test('two instances recording the same low answer at once post it once', async (t) => {
    const url = await backend.shared();
    const stores = [
      await openTestStore({ storeUrl: url, encryptionKey: KEY }),
      await openTestStore({ storeUrl: url, encryptionKey: KEY }),
    ];
    await setUp(stores[0]);
    const messages = new FakeMessages();
    const apps = stores.map((store) => instance(store, messages));
    await Promise.all([
      apps[0].book.record(event('900', 1, score(1, 1))),
      apps[1].book.record(event('900', 1, score(1, 1))),
      apps[1].book.record(event('900', 2, text('Rude', 2))),
    ]);
    await Promise.all(apps.map((app) => app.settled()));
    await Promise.all(apps.map((app) => app.alerts.retry()));
    t.is(messages.calls.filter((c) => c.kind === 'post').length, 1);
    t.like(messages.calls.at(-1), { content: { score: 1, comment: 'Rude' } });
  });

  test('a post Slack refused is tried again on the next retry; one whose outcome is unknown never is', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await setUp(store);
    const messages = new FakeMessages();
    const warnings: string[] = [];
    const app = instance(store, messages, warnings);
    messages.fail = ['refused'];
    await app.book.record(event('710', 1, score(1, 1)));
    await app.settled();
    t.deepEqual(messages.calls, []);
    t.regex(warnings.join('\n'), /not_in_channel/);
    t.deepEqual(await store.members('alerts-pending'), [`${TEAM}/710`]);
    await app.alerts.retry();
    t.is(messages.calls.length, 1, 'posted on the retry');
    await app.alerts.retry();
    t.is(messages.calls.length, 1);

    messages.fail = ['no answer'];
    await app.book.record(event('711', 1, score(1, 1)));
    await app.settled();
    t.is(messages.calls.length, 2, 'the post whose answer never came');
    await app.book.record(event('711', 2, text('changed', 2)));
    await app.settled();
    await app.alerts.retry();
    t.is(messages.calls.length, 2, 'not posted again, and nothing to edit');
    t.regex(warnings.join('\n'), /not posted again/);
  });

  test('I’ll follow up and Resolved are recorded with who pressed them; a resolved alert takes no more presses', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await setUp(store);
    const messages = new FakeMessages();
    const app = instance(store, messages);
    t.false(await app.alerts.act(TEAM, '720', 'U0SUPER001', 'follow_up'), 'no alert yet');
    await app.book.record(event('720', 1, score(1, 1)));
    await app.settled();
    t.true(await app.alerts.act(TEAM, '720', 'U0SUPER001', 'follow_up'));
    t.like(messages.calls.at(-1), {
      kind: 'update',
      content: { follow_up: { user_id: 'U0SUPER001', at: '2026-11-23T12:00:00.000Z' } },
    });
    t.false(await app.alerts.act('T0OTHER001', '720', 'U0SUPER001', 'resolved'), "another workspace's click reaches nothing");
    t.true(await app.alerts.act(TEAM, '720', 'U0SUPER002', 'resolved'));
    t.like(messages.calls.at(-1), {
      content: { follow_up: { user_id: 'U0SUPER001' }, resolved: { user_id: 'U0SUPER002' } },
    });
    t.false(await app.alerts.act(TEAM, '720', 'U0SUPER003', 'follow_up'));
    t.is(messages.calls.length, 3);
  });

  test('a failure of the alerts never fails recording the answer', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await setUp(store);
    const warnings: string[] = [];
    const app = instance(store, new FakeMessages(), warnings);
    (app.settings as { forWorkspace: unknown }).forWorkspace = async () => {
      throw new Error('settings unreadable');
    };
    await app.book.record(event('730', 1, score(1, 1)));
    t.is((await app.book.answer(TEAM, '730'))?.score?.value, 1);
    t.regex(warnings.join('\n'), /settings unreadable/);
  });
});
