import test from 'ava';
import { setImmediate as turn } from 'node:timers/promises';
import { InFlight } from '../../../app/services/in-flight.js';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

test('tracked work keeps its answer and its failure', async (t) => {
  const inFlight = new InFlight();
  t.is(await inFlight.track(Promise.resolve(42)), 42);
  await t.throwsAsync(inFlight.track(Promise.reject(new Error('Twitter did not answer'))), { message: 'Twitter did not answer' });
});

test('settled waits for every tracked piece of work, the failed ones too', async (t) => {
  const inFlight = new InFlight();
  const send = deferred<string>();
  const report = deferred<void>();
  inFlight.track(send.promise);
  inFlight.track(report.promise).catch(() => {});
  let settled = false;
  const waiting = inFlight.settled().then(() => {
    settled = true;
  });
  send.resolve('sent');
  await turn();
  t.false(settled);
  report.reject(new Error('Slack was unreachable'));
  await waiting;
  t.true(settled);
});

test('with nothing under way, settled does not wait', async (t) => {
  const inFlight = new InFlight();
  await inFlight.track(Promise.resolve());
  await inFlight.settled();
  t.pass();
});
