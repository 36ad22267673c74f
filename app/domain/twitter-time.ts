const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Twitter's classic form, "Sat Dec 15 17:58:20 +0000 2015"; its published examples lose the spaces, so they are optional.
const CLASSIC = /^[A-Za-z]{3}\s*([A-Za-z]{3})\s*(\d{1,2})\s*(\d{2}):(\d{2}):(\d{2})\s*([+-])(\d{2}):?(\d{2})\s*(\d{4})$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const EPOCH = /^\d{1,16}$/;
// Below this an epoch is in seconds: 1e11 seconds is the year 5138, 1e11 milliseconds is 1973.
const SECONDS_BELOW = 1e11;

/** Epoch milliseconds of a timestamp Twitter sent (classic, ISO 8601 or epoch), or undefined when it is none of them. */
export function parseTwitterTime(raw: string | number): number | undefined {
  const text = String(raw).trim();
  if (EPOCH.test(text)) {
    const n = Number(text);
    return n < SECONDS_BELOW ? n * 1000 : n;
  }
  if (ISO.test(text)) {
    const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(ms) ? undefined : ms;
  }
  const m = CLASSIC.exec(text);
  if (!m) return undefined;
  const [, mon, day, hh, mi, ss, sign, oh, om, year] = m;
  const month = MONTHS.findIndex((name) => name.toLowerCase() === mon.toLowerCase());
  if (month < 0) return undefined;
  const local = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mi), Number(ss));
  const check = new Date(local);
  // Date.UTC rolls "Feb 30" over into March; a day or hour out of range is not a time.
  if (check.getUTCDate() !== Number(day) || check.getUTCHours() !== Number(hh) || Number(mi) > 59 || Number(ss) > 59) {
    return undefined;
  }
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return local - offset;
}
