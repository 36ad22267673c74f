import {
  BREAKDOWNS,
  type Breakdown,
  COUNTERS,
  type Counter,
  type Counters,
  type Day,
  type SliceDelta,
  ZERO,
} from '../domain/results.js';
import { workspaceId } from '../domain/workspace.js';
import type { Store } from '../store/store.js';

export type CounterStore = Pick<Store, 'increment' | 'counters'>;

function key(teamId: string, day: Day): string {
  return `results:${workspaceId({ teamId })}:${day}`;
}

/**
 * One key per breakdown and bucket, its fields `counter:id`: the agents and questions a bucket saw are its field
 * names, read with the counters themselves, so no list of them is kept or scanned. A bucket is a day, or a block of
 * seven (`w` and the number of whole weeks from 1970-01-01 to it): each change is added to both, and a window is
 * read as its whole blocks and the days left at either end, a fifth of the rows its days alone would be.
 */
function sliceKey(teamId: string, by: Breakdown, bucket: string): string {
  return `results-${by}:${workspaceId({ teamId })}:${bucket}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function blockOf(day: Day): string {
  return `w${Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS / 7)}`;
}

/** The buckets that add up to exactly `days`: every block all seven of whose days are among them, and the rest. */
export function bucketsOf(days: readonly Day[]): string[] {
  const byBlock = new Map<string, Day[]>();
  for (const day of new Set(days)) byBlock.set(blockOf(day), [...(byBlock.get(blockOf(day)) ?? []), day]);
  return [...byBlock].flatMap(([block, inside]) => (inside.length === 7 ? [block] : inside));
}

const KNOWN = new Set<string>(COUNTERS);

function changed(counters: Counters, id?: string): Record<string, number> {
  const suffix = id === undefined ? '' : `:${id}`;
  return Object.fromEntries(COUNTERS.filter((name) => counters[name] !== 0).map((name) => [`${name}${suffix}`, counters[name]]));
}

/** Adds to one workspace's counters of one day, in one step for the database. */
export async function addToDay(store: CounterStore, teamId: string, day: Day, counters: Counters): Promise<void> {
  await store.increment(key(teamId, day), changed(counters));
}

/** Adds to agents' and questions' counters: one step for the database per breakdown and day. */
export async function addToSlices(store: CounterStore, teamId: string, deltas: readonly SliceDelta[]): Promise<void> {
  const byKey = new Map<string, Record<string, number>>();
  for (const { day, by, id, counters } of deltas) {
    for (const bucket of [day, blockOf(day)]) {
      const k = sliceKey(teamId, by, bucket);
      const fields = byKey.get(k) ?? {};
      for (const [field, value] of Object.entries(changed(counters, id))) fields[field] = (fields[field] ?? 0) + value;
      byKey.set(k, fields);
    }
  }
  await Promise.all([...byKey].map(([k, fields]) => store.increment(k, fields)));
}

/** One workspace's counters of each day asked for; a day nothing counted on reads as zero. */
export async function dayCounters(store: CounterStore, teamId: string, days: readonly Day[]): Promise<Map<Day, Counters>> {
  return (await readCounters(store, teamId, days, [])).byDay;
}

export interface ReadCounters {
  byDay: Map<Day, Counters>;
  /** Each agent's and each question's counters, summed over the slice days. */
  slices: Record<Breakdown, Map<string, Counters>>;
}

/** The workspace's counters of `days`, and its breakdowns summed over `sliceDays`: in one read of the database. */
export async function readCounters(
  store: CounterStore,
  teamId: string,
  days: readonly Day[],
  sliceDays: readonly Day[],
): Promise<ReadCounters> {
  const buckets = bucketsOf(sliceDays);
  const slicesAsked = BREAKDOWNS.flatMap((by) => buckets.map((bucket) => ({ by, key: sliceKey(teamId, by, bucket) })));
  const kept = await store.counters([...days.map((day) => key(teamId, day)), ...slicesAsked.map((s) => s.key)]);
  const byDay = new Map(days.map((day, i) => [day, { ...ZERO, ...pick(kept[i]) }]));
  const slices = { agent: new Map(), question: new Map() } as ReadCounters['slices'];
  for (const [i, { by }] of slicesAsked.entries()) {
    for (const [field, value] of Object.entries(kept[days.length + i])) {
      const at = field.indexOf(':');
      const counter = field.slice(0, at);
      if (at < 0 || !KNOWN.has(counter)) continue;
      const id = field.slice(at + 1);
      const total = slices[by].get(id) ?? { ...ZERO };
      total[counter as Counter] += value;
      slices[by].set(id, total);
    }
  }
  return { byDay, slices };
}

/** Only the counters this version knows: a field another version added is no figure here. */
function pick(fields: Record<string, number>): Partial<Counters> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => KNOWN.has(name)));
}
