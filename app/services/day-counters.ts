import { COUNTERS, type Counters, type Day, ZERO } from '../domain/results.js';
import { workspaceId } from '../domain/workspace.js';
import type { Store } from '../store/store.js';

export type CounterStore = Pick<Store, 'increment' | 'counters'>;

function key(teamId: string, day: Day): string {
  return `results:${workspaceId({ teamId })}:${day}`;
}

/** Adds to one workspace's counters of one day, in one step for the database. */
export async function addToDay(store: CounterStore, teamId: string, day: Day, counters: Counters): Promise<void> {
  const changed = Object.fromEntries(COUNTERS.filter((name) => counters[name] !== 0).map((name) => [name, counters[name]]));
  await store.increment(key(teamId, day), changed);
}

/** One workspace's counters of each day asked for; a day nothing counted on reads as zero. */
export async function dayCounters(store: CounterStore, teamId: string, days: readonly Day[]): Promise<Map<Day, Counters>> {
  const kept = await store.counters(days.map((day) => key(teamId, day)));
  return new Map(days.map((day, i) => [day, { ...ZERO, ...kept[i] }]));
}
