import test from 'ava';
import { setTimeout as delay, setImmediate as turn } from 'node:timers/promises';
import { InFlight } from '../../../app/services/in-flight.js';
import { Schedule } from '../../../app/services/schedule.js';

test('a chore runs when asked and then again by itself, until the schedule stops', async (t) => {
  const schedule = new Schedule(new InFlight(), () => {});
  let runs = 0;
  let again: () => void = () => {};
  const repeated = new Promise<void>((resolve) => {
    again = resolve;
  });
  const run = schedule.every(1, 'Could not sweep', async () => {
    runs++;
    if (runs === 2) again();
  });
  await run();
  t.true(runs >= 1);
  await repeated;
  schedule.stop();
  const stoppedAt = runs;
  await delay(20);
  t.is(runs, stoppedAt);
});

test('a chore that fails is told with its name, and does not reject', async (t) => {
  const warnings: string[] = [];
  const schedule = new Schedule(new InFlight(), (message) => warnings.push(message));
  const run = schedule.every(60_000, 'Could not delete expired records', () => Promise.reject(new Error('database is locked')));
  await run();
  schedule.stop();
  t.deepEqual(warnings, ['Could not delete expired records: database is locked']);
});

test('shutdown waits for a chore under way', async (t) => {
  const inFlight = new InFlight();
  const schedule = new Schedule(inFlight, () => {});
  let finish: () => void = () => {};
  const run = schedule.every(
    60_000,
    'Could not settle interrupted sends',
    () =>
      new Promise<void>((resolve) => {
        finish = resolve;
      }),
  );
  void run();
  schedule.stop();
  let settled = false;
  const waiting = inFlight.settled().then(() => {
    settled = true;
  });
  await turn();
  t.false(settled);
  finish();
  await waiting;
  t.true(settled);
});
