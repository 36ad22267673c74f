import { loadConfig } from '../../app/config.js';
import type { Answer } from '../../app/domain/answers.js';
import {
  answerDay,
  COUNTERS,
  type Counters,
  type Day,
  delta,
  ONE_SENT,
  type SliceDelta,
  sentSlices,
  sliceDelta,
} from '../../app/domain/results.js';
import { addToDay, addToSlices } from '../../app/services/day-counters.js';
import { openStore } from '../../app/store/store.js';
import type { SimulatedView } from '../simulators/slack.js';
import { twitterDate } from '../simulators/twitter.js';
import { SECRETS } from '../support/harness.js';
import { blockActionsBody, eventBody, signRequest } from '../support/slack-requests.js';
import { Cards } from './answers.js';
import type { Signed } from './load.js';
import type { BenchWorkspace, World } from './world.js';

/**
 * Results in App Home over many answers. Results reads the day counters, the agents' and
 * questions' counters and the newest comments, never the answers themselves: the bench
 * counts most answers straight into those counters, summed per workspace and day with the
 * app's own counting rules (delta, sliceDelta) and written with its own increments, and
 * stores the newest answers of each workspace whole through the app's answer book.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** Answers are spread over the longest window Results shows, and the trend's 13 weeks. */
const SPREAD_DAYS = 91;
const AGENTS_PER_WORKSPACE = 20;
const CONCURRENCY = 64;

function agentOf(workspace: BenchWorkspace, n: number): string {
  return `${workspace.agentId}A${n % AGENTS_PER_WORKSPACE}`;
}

/** The n-th counted answer of a workspace: a card sent from Slack by one of its agents, answered. */
function countedAnswer(workspace: BenchWorkspace, n: number, now: number): Answer {
  const seed = (n * 2654435761) >>> 0;
  const nps = seed % 10 < 3;
  const test = seed % 20 === 0;
  const sentAt = now - Math.floor(((seed >>> 5) % (SPREAD_DAYS * 1000)) * (DAY_MS / 1000));
  const at = twitterDate(new Date(sentAt + 60_000));
  const score = nps ? (seed >>> 3) % 11 : 1 + ((seed >>> 3) % 5);
  return {
    feedback_id: `${workspace.teamId}-${n}`,
    type: nps ? 'nps' : 'csat',
    test,
    created_at: twitterDate(new Date(sentAt)),
    updated_at: at,
    question_variant_id: String((seed >>> 7) % 10),
    from_user_id: workspace.business.id_str,
    to_user_id: String(6_000_000_000_000 + n),
    external_id: `ticket ${n}`,
    source: 'app',
    team: workspace.teamId,
    agent: agentOf(workspace, n),
    score: { value: score, created_at: at, updated_at: at },
    ...((seed >>> 9) % 3 === 0 ? { text: { value: 'Thanks!', created_at: at, updated_at: at } } : {}),
  };
}

/** What a workspace's counted answers add up to: per day, and per agent and question and day. */
interface Counted {
  days: Map<Day, Counters>;
  slices: Map<string, SliceDelta>;
}

function addInto(total: Counters, more: Counters): void {
  for (const name of COUNTERS) total[name] += more[name];
}

/** Counts the workspace's answers but the newest `whole`, with the app's own rules, summed in memory. */
function count(workspace: BenchWorkspace, answers: number, now: number): Counted {
  const days = new Map<Day, Counters>();
  const slices = new Map<string, SliceDelta>();
  const toDay = (day: Day, counters: Counters) => {
    const kept = days.get(day);
    if (kept) addInto(kept, counters);
    else days.set(day, { ...counters });
  };
  const toSlices = (changes: SliceDelta[]) => {
    for (const change of changes) {
      const key = `${change.by} ${change.id} ${change.day}`;
      const kept = slices.get(key);
      if (kept) addInto(kept.counters, change.counters);
      else slices.set(key, { ...change, counters: { ...change.counters } });
    }
  };
  for (let n = 0; n < answers; n++) {
    const answer = countedAnswer(workspace, n, now);
    if (!answer.test) {
      // As the send log counts a card the app sent, on the day it was sent.
      const day = answerDay(answer);
      toDay(day, ONE_SENT);
      toSlices(sentSlices(day, answer.agent!, answer.type, Number(answer.question_variant_id), ONE_SENT));
    }
    for (const { day, counters } of delta(undefined, answer)) toDay(day, counters);
    toSlices(sliceDelta(undefined, answer));
  }
  return { days, slices };
}

/**
 * `perWorkspace` answers in each of `workspaces`: all but the newest `whole` counted into
 * the counters directly, those through the app's send log and answer book. The sums are
 * made once, and written into every store seeded after.
 */
export class ResultsSeed {
  private readonly now = Date.now();
  private readonly counted = new Map<string, Counted>();

  constructor(
    private readonly world: World,
    private readonly workspaces: BenchWorkspace[],
    private readonly perWorkspace: number,
    private readonly whole: number,
  ) {}

  async write(env: Record<string, string>, done: (workspaces: number) => void): Promise<void> {
    const store = await openStore(loadConfig(env).store);
    try {
      let finished = 0;
      for (const workspace of this.workspaces) {
        let counted = this.counted.get(workspace.teamId);
        if (!counted) {
          counted = count(workspace, this.perWorkspace - this.whole, this.now);
          this.counted.set(workspace.teamId, counted);
        }
        await Promise.all([
          ...[...counted.days].map(([day, counters]) => addToDay(store, workspace.teamId, day, counters)),
          addToSlices(store, workspace.teamId, [...counted.slices.values()]),
        ]);
        done(++finished);
      }
    } finally {
      await store.close();
    }
    // The newest answers whole: the comments Results shows are read from them.
    await new Cards(this.world, this.whole * this.workspaces.length, this.workspaces).seedAnswers(env, CONCURRENCY);
  }
}

function json(body: string): Signed {
  return { body, headers: { 'content-type': 'application/json', ...signRequest(SECRETS.signingSecret, body) } };
}

function form(body: URLSearchParams): Signed {
  const text = body.toString();
  return {
    body: text,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signRequest(SECRETS.signingSecret, text) },
  };
}

/** A supervisor opens the app's Home tab. */
export function homeOpened(workspace: BenchWorkspace, userId: string): Signed {
  return json(eventBody({ type: 'app_home_opened', user: userId, channel: `D${userId}`, tab: 'home' }, workspace.teamId));
}

/** The button of `home` with this value, and its block. */
function button(home: SimulatedView, value: string): { blockId: string; actionId: string } {
  for (const block of home.blocks as Array<Record<string, any>>) {
    for (const element of block.elements ?? []) {
      if (element.type === 'button' && element.value === value) return { blockId: block.block_id, actionId: element.action_id };
    }
  }
  throw new Error(`App Home has no button with the value ${value}`);
}

/** A supervisor clicks the button of `home` with this value: Results, or one of its windows. */
export function clicked(home: SimulatedView, userId: string, value: string): Signed {
  return form(blockActionsBody(home, { ...button(home, value), userId }));
}
