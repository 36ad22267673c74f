import { randomBytes } from 'node:crypto';
import type { DigestNumbers } from '../../../app/domain/digest.js';
import { type Day, ZERO } from '../../../app/domain/results.js';
import type { WeeklyDigest } from '../../../app/domain/workspace-settings.js';
import { addToDay, dayCounters } from '../../../app/services/day-counters.js';
import { NotPosted } from '../../../app/services/not-posted.js';
import { SettingsSource } from '../../../app/services/settings.js';
import { type DigestMessages, WeeklyDigests } from '../../../app/services/weekly-digests.js';
import type { Store } from '../../../app/store/store.js';
import { eachBackend, openTestStore } from '../../support/stores.js';

const KEY = randomBytes(32);
const HOUR_MS = 60 * 60 * 1000;

interface Posted {
  teamId: string;
  channel: string;
  numbers: DigestNumbers;
  /** The injected clock when it was posted. */
  at: string;
}

/** Slack as the digest sees it; `fail` decides how the next posts go. */
function fakeSlack(clock: { now: Date }) {
  const posted: Posted[] = [];
  const fail: Array<'refused' | 'no answer'> = [];
  const messages: DigestMessages = {
    async post(teamId, channel, numbers) {
      const failure = fail.shift();
      if (failure === 'refused') throw new NotPosted('not_in_channel');
      posted.push({ teamId, channel, numbers, at: clock.now.toISOString() });
      if (failure === 'no answer') throw new Error('socket hang up');
    },
  };
  return { posted, fail, messages };
}

function instance(store: Store, teams: string[], clock: { now: Date }, messages: DigestMessages, warnings: string[] = []) {
  return new WeeklyDigests({
    claims: store,
    settings: new SettingsSource(store.records('settings'), {}),
    answers: { counters: (teamId, days) => dayCounters(store, teamId, days) },
    teams: async () => teams,
    messages,
    warn: (message) => warnings.push(message),
    now: () => clock.now,
  });
}

async function configure(store: Store, teamId: string, digest: WeeklyDigest): Promise<void> {
  await new SettingsSource(store.records('settings'), {}).save(teamId, { digest });
}

/** Both instances tick together, every `stepMs`, from `from` to `to`. */
async function run(instances: WeeklyDigests[], clock: { now: Date }, from: string, to: string, stepMs: number) {
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMs) {
    clock.now = new Date(t);
    await Promise.all(instances.map((i) => i.tick()));
  }
}

eachBackend((backend, test) => {
  test('two instances ticking together post each workspace’s digest once a week, at its hour in its own zone, across a clock change', async (t) => {
    const url = await backend.shared();
    const stores = [
      await openTestStore({ storeUrl: url, encryptionKey: KEY }),
      await openTestStore({ storeUrl: url, encryptionKey: KEY }),
    ];
    const clock = { now: new Date(0) };
    const slack = fakeSlack(clock);
    // Paris leaves summer time on Sunday 25 October 2026; Auckland is a day ahead of UTC.
    await configure(stores[0], 'T0PARIS001', { channel: 'C0PARIS001', weekday: 1, hour: 9, time_zone: 'Europe/Paris' });
    await configure(stores[0], 'T0AUCKL001', { channel: 'C0AUCKL001', weekday: 1, hour: 8, time_zone: 'Pacific/Auckland' });
    await new SettingsSource(stores[0].records('settings'), {}).save('T0NONE0001', { digest: undefined });
    const teams = ['T0PARIS001', 'T0AUCKL001', 'T0NONE0001'];
    const apps = stores.map((store) => instance(store, teams, clock, slack.messages));

    await run(apps, clock, '2026-10-19T00:00:00Z', '2026-11-02T12:00:00Z', HOUR_MS);
    const at = (teamId: string) => slack.posted.filter((p) => p.teamId === teamId).map((p) => p.at);
    // 9:00 in Paris is 7:00 UTC in summer time, 8:00 after it.
    t.deepEqual(at('T0PARIS001'), ['2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z']);
    // Monday 8:00 in Auckland is Sunday 19:00 UTC; the first Monday had begun before the run, and is posted at once.
    t.deepEqual(at('T0AUCKL001'), ['2026-10-19T00:00:00.000Z', '2026-10-25T19:00:00.000Z', '2026-11-01T19:00:00.000Z']);
    t.deepEqual(at('T0NONE0001'), []);
    t.true(slack.posted.filter((p) => p.teamId === 'T0PARIS001').every((p) => p.channel === 'C0PARIS001'));
  });

  test('a digest holds the numbers of the seven days before its day', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    const clock = { now: new Date('2026-11-30T09:00:00Z') };
    const slack = fakeSlack(clock);
    await configure(store, 'T0ACME0001', { channel: 'C1', weekday: 1, hour: 9, time_zone: 'UTC' });
    const add = (day: Day, counters: Partial<typeof ZERO>) => addToDay(store, 'T0ACME0001', day, { ...ZERO, ...counters });
    await add('2026-11-23', { sent: 4, sent_answered: 2, csat_answered: 2, csat_satisfied: 1, csat_sum: 7 });
    await add('2026-11-16', { sent: 3 });
    await add('2026-11-30', { sent: 9 });
    await instance(store, ['T0ACME0001'], clock, slack.messages).tick();
    t.is(slack.posted.length, 1);
    t.like(slack.posted[0].numbers, {
      from: '2026-11-23',
      to: '2026-11-29',
      week: { sent: 4, response_rate: 0.5, csat: { satisfied_share: 0.5, mean: 3.5 } },
      previous: { sent: 3 },
    });
  });

  test('a digest Slack refused is posted by a later tick; one whose outcome is unknown is not posted again', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    const clock = { now: new Date(0) };
    const slack = fakeSlack(clock);
    const warnings: string[] = [];
    await configure(store, 'T0ACME0001', { channel: 'C1', weekday: 1, hour: 9, time_zone: 'UTC' });
    const app = instance(store, ['T0ACME0001'], clock, slack.messages, warnings);
    slack.fail.push('refused');
    await run([app], clock, '2026-11-30T09:00:00Z', '2026-11-30T09:02:00Z', 60_000);
    t.deepEqual(
      slack.posted.map((p) => p.at),
      ['2026-11-30T09:01:00.000Z'],
    );
    t.regex(warnings.join('\n'), /not_in_channel/);

    slack.fail.push('no answer');
    await run([app], clock, '2026-12-07T09:00:00Z', '2026-12-07T09:02:00Z', 60_000);
    t.deepEqual(
      slack.posted.map((p) => p.at),
      ['2026-11-30T09:01:00.000Z', '2026-12-07T09:00:00.000Z'],
    );
  });
});
