import test from 'ava';
import fc from 'fast-check';
import { parseTwitterTime } from '../../../app/domain/twitter-time.js';

const AT = Date.UTC(2015, 11, 15, 17, 58, 20);

const readable: [string | number, number][] = [
  ['SatDec1517:58:20+00002015', AT],
  ['Sat Dec 15 17:58:20 +0000 2015', AT],
  ['Sat Dec 15 18:58:20 +0100 2015', AT],
  ['Sat Dec 15 12:58:20 -0500 2015', AT],
  ['SatDec0117:58:20+00002015', Date.UTC(2015, 11, 1, 17, 58, 20)],
  ['2015-12-15T17:58:20Z', AT],
  ['2015-12-15T17:58:20.000Z', AT],
  ['2015-12-15T18:58:20+01:00', AT],
  ['2015-12-15T18:58:20+0100', AT],
  ['1450202300', AT],
  ['1450202300000', AT],
  [1450202300000, AT],
  [1450202300, AT],
];

test('Twitter times are read in the classic form with or without spaces, ISO 8601, and epoch seconds or milliseconds', (t) => {
  for (const [raw, ms] of readable) t.is(parseTwitterTime(raw), ms, String(raw));
});

test('text that is not a time is not read as one', (t) => {
  for (const raw of [
    '',
    'yesterday',
    'SatFoo1517:58:20+00002015',
    'SatFeb3017:58:20+00002015',
    'SatDec1525:58:20+00002015',
    '2015-12-15',
    '12/15/2015',
    '-1450202300',
  ]) {
    t.is(parseTwitterTime(raw), undefined, raw);
  }
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

function classic(ms: number, space: string): string {
  const d = new Date(ms);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return [DAYS[d.getUTCDay()], MONTHS[d.getUTCMonth()], pad(d.getUTCDate()), clock, '+0000', d.getUTCFullYear()].join(space);
}

test('any second from 2006 to 2099 reads back the same in each form Twitter writes', (t) => {
  const second = fc.integer({ min: Date.UTC(2006, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }).map((s) => s * 1000);
  fc.assert(
    fc.property(second, (ms) => {
      for (const raw of [classic(ms, ' '), classic(ms, ''), new Date(ms).toISOString(), String(ms), String(ms / 1000)]) {
        if (parseTwitterTime(raw) !== ms) return false;
      }
      return true;
    }),
  );
  t.pass();
});
