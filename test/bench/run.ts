import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { WEBHOOK_PATH } from '../../app/http/answers-webhook.js';
import { ticketContext } from '../../app/domain/ticket-context.js';
import type { SimulatedView } from '../simulators/slack.js';
import { HOSTILE_TEXT_LENGTH, HOSTILE_TICKET_PATTERN, LONG_HOSTILE_TEXTS } from '../support/hostile-messages.js';
import { repoRoot } from '../support/paths.js';
import { cpuUse, Effects, latencies, load, type FollowUp, type LoadOptions, type Run, type Signed } from './load.js';
import { resident } from './procfs.js';
import { AnswerPushes, Cards } from './answers.js';
import { Acceptances, API_REQUESTS_PER_MINUTE, apiUrl, createKeys, DueRequests } from './api.js';
import type { CsvFigures } from './csv-export.js';
import { benchRedis, type BenchRedis } from './redis.js';
import { clicked, homeOpened, ResultsSeed } from './results.js';
import { summarize, type ProfileSummary } from './profile.js';
import {
  megabytes,
  render,
  type Check,
  type MemorySample,
  type MemoryWindow,
  type Report,
  type Row,
  type Settings,
} from './report.js';
import { Target, type TargetEntry } from './target.js';
import { commands, Submissions, typeSwitches, type Supply } from './workloads.js';
import { CUSTOMERS_PER_ACCOUNT, TWITTER_DELAY_MS, World } from './world.js';

/**
 * `npm run bench`: the app against its baselines, on loopback, in one run. Each server
 * runs in a process of its own; this process generates the load (autocannon) and plays
 * Slack and Twitter. Prints a table and writes the figures as JSON.
 *
 *   BENCH_QUICK=1              short runs, to try it
 *   BENCH_SECONDS              each measured run (10)
 *   BENCH_SUBMISSIONS          the long run the app's memory is watched over (100,000)...
 *   BENCH_SUBMISSION_SECONDS   ...which stops after this long, whatever it reached (900)
 *   BENCH_CONNECTIONS          concurrent connections at saturation (50)
 *   BENCH_PROFILE=1            profiles every target at saturation, summarised after the table
 *   BENCH_OUT                  where the JSON goes (test/bench/results.json)
 *   TMPDIR                     where the app's SQLite file goes: /dev/shm takes the disk out
 *   BENCH_ONLY                 only these parts, comma-separated: slack (the agents' requests above),
 *                              webhook (answers pushed by Twitter), csv (an export of 100,000 answers),
 *                              results (App Home's Results over 1,000,000 answers), api (requests
 *                              accepted by the HTTP API), schedule (requests sent when due)
 *
 * With the machine's redis-server, the app is measured on Redis as well: one instance, and
 * as many instances as the machine has cores behind one port (Node's cluster).
 */

function positive(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(text)}`);
  return value;
}

const quick = process.env.BENCH_QUICK === '1';
const settings: Settings = {
  quick,
  seconds: positive('BENCH_SECONDS', quick ? 3 : 10),
  warmupSeconds: quick ? 1 : 2,
  submissions: Math.round(positive('BENCH_SUBMISSIONS', quick ? 3_000 : 100_000)),
  submissionSeconds: positive('BENCH_SUBMISSION_SECONDS', quick ? 30 : 900),
  connections: Math.round(positive('BENCH_CONNECTIONS', 50)),
  coldStarts: 5,
  profile: process.env.BENCH_PROFILE === '1',
};
const out = process.env.BENCH_OUT || path.join(repoRoot, 'test', 'bench', 'results.json');

const PARTS = ['slack', 'webhook', 'csv', 'results', 'api', 'schedule'] as const;
type Part = (typeof PARTS)[number];
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((part) => part.trim())
  .filter(Boolean);
for (const part of only) {
  if (!PARTS.includes(part as Part))
    throw new Error(`BENCH_ONLY names ${JSON.stringify(part)}; the parts are ${PARTS.join(', ')}`);
}
const runs = (part: Part) => only.length === 0 || only.includes(part);

const FEEDBACK_RATE = 200;
/** Instances behind one port in the bench's scaled-out configuration: as many as the machine has cores. */
const INSTANCES = Math.max(2, os.cpus().length);
const SUBMISSION_RATE = 500;
/**
 * autocannon offers a rate as an equal budget per connection and second, and a connection
 * waits for each answer before it sends again. A budget of 20 leaves 50 ms per answer, the
 * /feedback target, so the rate holds wherever the target is met; bursts at the start of
 * each second stay at a twentieth of the rate in concurrency.
 */
const BUDGET_PER_CONNECTION = 20;

function rateConnections(rate: number): number {
  return Math.max(1, Math.round(rate / BUDGET_PER_CONNECTION));
}
/**
 * The app's memory is compared between these shares of the long run: after a warm-up
 * (caches, JIT, the heap's own growth) and at its end; each spans several collections.
 */
const MEMORY_AFTER_WARMUP = [0.1, 0.2];
const MEMORY_AT_END = [0.9, 1];
const MEMORY_SAMPLE_MS = 500;
/** Forms are opened for this many times the submissions the long run is expected to reach. */
const FORMS_HEADROOM = 1.5;

/** Twitter's pushes offered a second at the fixed rate; their cards, enough for every run to answer new ones. */
const WEBHOOK_RATE = 2_000;
const WEBHOOK_CARDS = quick ? 20_000 : 100_000;
/** SQLite stores pushes an order of magnitude slower, and writes the send records as slowly. */
const WEBHOOK_CARDS_SQLITE = quick ? 5_000 : 20_000;
/** Answers over which the results and the webhook are measured: as many workspaces as the full run's agents. */
const ANSWER_WORKSPACES = 100;
const CSV_ROWS = quick ? 20_000 : 100_000;
/** Supervisors open Results now and then: a rate a busy day of 100 workspaces' supervisors does not reach. */
const RESULTS_RATE = 10;
const RESULTS_ANSWERS = quick ? 100_000 : 1_000_000;
/** Of each workspace's answers, the newest stored whole through the answer book: the latest comments come from them. */
const RESULTS_WHOLE = quick ? 20 : 100;

/** Helpdesks' requests offered a second through the API at the fixed rate. */
const API_RATE = 1_000;
/** Requests falling due a second, for this many seconds. */
const DUE_RATE = 500;
const DUE_SECONDS = quick ? 5 : 10;
/**
 * The first falls due this long after submitting starts, plus a second per SUBMIT_FLOOR
 * requests: submitting must be over before any falls due, or the sending is measured
 * beside it.
 */
const DUE_LEAD_MS = 3_000;
const SUBMIT_FLOOR = 250;
/** How long after the last due time a request may still reach Twitter. */
const DUE_SETTLE_MS = 30_000;

const TARGETS = {
  feedbackP99Ms: 50,
  webhookPerSecond: WEBHOOK_RATE,
  webhookP99Ms: 50,
  csvGrowthBytes: 50 * 2 ** 20,
  resultsP99Ms: 300,
  boltShare: 0.9,
  relayedPerSecond: SUBMISSION_RATE,
  relayP99Ms: 200,
  coldStartMs: 1000,
  growthBytes: 20 * 2 ** 20,
  hostileReadMs: 500,
  apiPerSecond: API_RATE,
  apiP99Ms: 50,
  scheduleLagP99Ms: 2_000,
};

const profiles = settings.profile ? mkdtempSync(path.join(os.tmpdir(), 'feedback-bench-profiles-')) : undefined;

function note(text: string): void {
  process.stderr.write(`▸ ${text}\n`);
}

/** Where the app's SQLite file lives matters: every write it commits waits for the disk. */
function storage(dir: string): string {
  const kinds: Record<number, string> = {
    61267: 'ext4',
    1481003842: 'xfs',
    2435016766: 'btrfs',
    2035054128: 'overlayfs',
    16914836: 'tmpfs',
  };
  const type = statfsSync(dir).type;
  return `in ${dir} (${kinds[type] ?? `filesystem 0x${type.toString(16)}`})`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface Endpoint {
  target: Target;
  url: string;
}

type Measurement = { run: Run; profile?: ProfileSummary };

/** One run that counts; at saturation, profiled too when BENCH_PROFILE=1. */
async function measure(
  { target, url }: Endpoint,
  workload: string,
  options: Omit<LoadOptions, 'url' | 'pid'>,
): Promise<Measurement> {
  const offered = options.rate === undefined ? `saturation (${options.connections} connections)` : `${options.rate}/s`;
  note(`${target.name}: ${workload} at ${offered}, up to ${options.seconds} s`);
  const go = () => load({ ...options, url, pid: target.pid });
  // One process's profile says little of several.
  if (!profiles || options.rate !== undefined || !target.profilable) return { run: await go() };
  const file = path.join(profiles, `${target.name}-${workload}`.replace(/\W+/g, '-') + '.cpuprofile');
  const run = await target.profile(file, go);
  return { run, profile: summarize(file) };
}

/**
 * A warm-up at saturation, then a run at `rate`, then one at saturation, each followed by
 * its effects when it has some. A finite `supply` bounds the runs that draw on it.
 */
async function rateAndSaturation(
  at: Endpoint,
  rows: Row[],
  label: Pick<Row, 'target' | 'workload'>,
  rate: number,
  next: () => Signed,
  {
    effects,
    supply,
    answered,
    saturation = true,
  }: {
    effects?: Effects;
    supply?: Supply;
    answered?: (request: Signed) => void;
    /**
     * False for work done after the answer: at saturation it queues up behind answers that
     * come at once, and says nothing but how long the queue grew. Warms up at the rate then.
     */
    saturation?: boolean;
  } = {},
): Promise<void> {
  const connections = settings.connections;
  await load({
    url: at.url,
    connections: saturation ? connections : rateConnections(rate),
    rate: saturation ? undefined : rate,
    seconds: settings.warmupSeconds,
    amount: supply && rate * settings.warmupSeconds,
    next,
    answered,
  });
  await effects?.settle();
  effects?.take();

  const fixed = await measure(at, label.workload, {
    connections: rateConnections(rate),
    rate,
    seconds: settings.seconds,
    next,
    answered,
  });
  await effects?.settle();
  rows.push({ ...label, load: `${rate}/s`, ...fixed, followUp: effects?.take() });

  if (!saturation) return;
  if (supply && supply.left < connections) {
    note(`too few left for ${label.workload} at saturation`);
    return;
  }
  const saturated = await measure(at, label.workload, {
    connections,
    seconds: settings.seconds,
    amount: supply?.left,
    next,
    answered,
  });
  await effects?.settle();
  rows.push({ ...label, load: 'saturation', ...saturated, followUp: effects?.take() });
}

/** The bench's workspaces, for a baseline that knows their tokens without a store. */
function workspacesEnv(world: World): Record<string, string> {
  return { BENCH_WORKSPACES: JSON.stringify(world.workspaces) };
}

/** `/feedback` typed by the agents, each views.open it causes heard as it reaches Slack. */
function openingModals(world: World, opened: (view: SimulatedView) => void = () => undefined) {
  const effects = new Effects('views.open reached Slack');
  world.listen((call, arrived) => {
    if (call.method !== 'views.open') return;
    effects.arrived(String(call.args.trigger_id), arrived, call.response.ok === true);
    const view = call.response.view as SimulatedView | undefined;
    if (view) opened(view);
  });
  return { effects, next: commands(world, (triggerId) => effects.caused(triggerId)) };
}

async function baseline(
  world: World,
  entry: TargetEntry,
  name: Row['target'],
  rows: Row[],
  output: Report['output'],
  /** `opened`: the target opens modals, each heard as it reaches Slack. */
  options: { env?: Record<string, string>; opened?: (view: SimulatedView) => void } = {},
): Promise<void> {
  const { target, url } = await Target.launch(entry, name, { ...world.env, ...options.env }, world.dataDir);
  try {
    const { effects, next } = options.opened
      ? openingModals(world, options.opened)
      : { effects: undefined, next: commands(world) };
    await rateAndSaturation({ target, url }, rows, { target: name, workload: '/feedback' }, FEEDBACK_RATE, next, { effects });
  } finally {
    await target.stop();
    output[name] = { lines: target.lines, last: target.output() };
  }
}

/** `/feedback`: the ack, then the modal; returns the modals opened (and one per workspace to copy). */
async function feedbackRuns(world: World, at: Endpoint, rows: Row[]) {
  const viewIds: string[] = [];
  const modals = new Map<string, SimulatedView>();
  const { effects, next } = openingModals(world, (view) => {
    viewIds.push(view.id);
    if (!modals.has(view.team_id)) modals.set(view.team_id, view);
  });
  await rateAndSaturation(at, rows, { target: at.target.name as Row['target'], workload: '/feedback ack' }, FEEDBACK_RATE, next, {
    effects,
  });
  return { viewIds, modals };
}

/** Switching the survey type in each of those modals once: the ack, then views.update. */
async function switchRuns(world: World, at: Endpoint, rows: Row[], viewIds: string[]): Promise<void> {
  const updated = new Effects('views.update reached Slack');
  world.listen((call, arrived) => {
    if (call.method === 'views.update' && (call.args.view as { callback_id?: string }).callback_id === 'feedback') {
      updated.arrived(String(call.args.view_id), arrived, call.response.ok === true);
    }
  });
  note(`preparing ${viewIds.length.toLocaleString('en-US')} type switches`);
  const supply = typeSwitches(world, viewIds, (viewId) => updated.caused(viewId));
  await rateAndSaturation(
    at,
    rows,
    { target: at.target.name as Row['target'], workload: 'type switch ack' },
    FEEDBACK_RATE,
    () => supply.next(),
    {
      effects: updated,
      supply,
    },
  );
}

/** Submissions relayed by one target, each heard as its outcome reaches Slack. */
class Relaying {
  readonly shown = new Effects('relayed, outcome shown');
  readonly submissions: Submissions;
  readonly next = () => this.submissions.next();

  /** `modals`: one the target opened in each workspace, to copy. */
  constructor(
    private readonly world: World,
    private readonly at: Endpoint,
    private readonly rows: Row[],
    modals: Map<string, SimulatedView>,
  ) {
    world.listen((call, arrived) => {
      if (call.method === 'views.update' && (call.args.view as { callback_id?: string }).callback_id === 'feedback_outcome') {
        this.shown.arrived(String(call.args.view_id), arrived, call.response.ok === true);
      }
    });
    this.submissions = new Submissions(world, modals, (formId) => this.shown.caused(formId));
  }

  /** Opens the forms the first `total` submissions need. */
  async prepare(total: number): Promise<void> {
    const missing = this.submissions.missing(total);
    if (missing > 0) note(`opening ${missing.toLocaleString('en-US')} forms to submit`);
    await this.submissions.prepare(total);
  }

  /** A warm-up at saturation, then a run at the target rate; returns the warm-up's rate and the run's follow-up. */
  async warmupAndRate(): Promise<{ warmupPerSecond: number; atRate: FollowUp }> {
    const warmupCount = SUBMISSION_RATE * settings.warmupSeconds;
    await this.prepare(warmupCount + SUBMISSION_RATE * settings.seconds);
    const warmup = await load({
      url: this.at.url,
      connections: settings.connections,
      seconds: settings.warmupSeconds,
      amount: warmupCount,
      next: this.next,
    });
    await this.shown.settle();
    this.shown.take();
    const atRate = await this.run(`${SUBMISSION_RATE}/s`, {
      connections: rateConnections(SUBMISSION_RATE),
      rate: SUBMISSION_RATE,
      seconds: settings.seconds,
    });
    return { warmupPerSecond: warmup.perSecond, atRate };
  }

  /** A run at saturation as long as the others, with forms for twice the target rate. */
  async saturation(): Promise<FollowUp> {
    const amount = SUBMISSION_RATE * settings.seconds * 2;
    await this.prepare(this.submissions.sent + amount);
    return this.run('saturation', { connections: settings.connections, seconds: settings.seconds, amount });
  }

  /** One measured run; counts as relayed what Twitter created meanwhile, once the run's outcomes are in. */
  async run(offered: string, options: Omit<LoadOptions, 'url' | 'pid' | 'next'>): Promise<FollowUp> {
    const createdBefore = this.world.feedbackCreated();
    const measurement = await measure(this.at, 'submissions', { ...options, next: this.next });
    await this.shown.settle();
    const created = this.world.feedbackCreated() - createdBefore;
    const followUp = {
      ...this.shown.take(),
      perSecond: created / measurement.run.seconds,
      missing: measurement.run.sent - created,
    };
    this.rows.push({
      target: this.at.target.name as Row['target'],
      workload: 'submission ack',
      load: offered,
      ...measurement,
      followUp,
    });
    return followUp;
  }
}

/** The relay baseline: the same submissions at the target rate and at saturation, through Bolt alone. */
async function relayBaseline(
  world: World,
  rows: Row[],
  output: Report['output'],
  modals: Map<string, SimulatedView>,
): Promise<void> {
  const name = 'Bolt + relay calls';
  const { target, url } = await Target.launch('bolt-relay', name, { ...world.env, ...workspacesEnv(world) }, world.dataDir);
  try {
    const relaying = new Relaying(world, { target, url }, rows, modals);
    await relaying.warmupAndRate();
    await relaying.saturation();
  } finally {
    await target.stop();
    output[name] = { lines: target.lines, last: target.output() };
  }
}

/**
 * Valid submissions relayed to Twitter: at the target rate, then at saturation; `long`
 * makes that the long run the app's memory is watched over, sized from the rate the app
 * showed and ending by count or by time.
 */
async function submissionRuns(world: World, at: Endpoint, rows: Row[], modals: Map<string, SimulatedView>, long: boolean) {
  const relaying = new Relaying(world, at, rows, modals);
  const { submissions } = relaying;
  const { warmupPerSecond, atRate } = await relaying.warmupAndRate();
  if (!long) {
    await relaying.saturation();
    return { relayed: atRate };
  }

  const expected = Math.max(warmupPerSecond, atRate.perSecond ?? 0) * settings.submissionSeconds * FORMS_HEADROOM;
  const count = Math.min(settings.submissions, Math.ceil(expected));
  await relaying.prepare(submissions.sent + count);
  const first = submissions.sent;
  const samples: MemorySample[] = [];
  const sampling = setInterval(async () => {
    const submitted = submissions.sent - first;
    const rss = resident(at.target.pid)?.rss;
    const { heapUsed } = await at.target.memory();
    if (rss !== undefined) samples.push({ submitted, rssBytes: rss, heapUsedBytes: heapUsed });
  }, MEMORY_SAMPLE_MS);
  await relaying.run('saturation, long', {
    connections: settings.connections,
    seconds: settings.submissionSeconds,
    amount: count,
  });
  clearInterval(sampling);
  const reached = submissions.sent - first;
  const window = ([from, to]: number[]): MemoryWindow => {
    const within = samples.filter((s) => s.submitted >= from * reached && s.submitted <= to * reached);
    return {
      from: Math.round(from * reached),
      to: Math.round(to * reached),
      rssBytes: within.length ? Math.max(...within.map((s) => s.rssBytes)) : NaN,
      heapFloorBytes: within.length ? Math.min(...within.map((s) => s.heapUsedBytes)) : NaN,
    };
  };
  const afterWarmup = window(MEMORY_AFTER_WARMUP);
  const end = window(MEMORY_AT_END);
  const memory: NonNullable<Report['memory']> = {
    submissions: reached,
    afterWarmup,
    end,
    growthBytes: end.rssBytes - afterWarmup.rssBytes,
    peakBytes: resident(at.target.pid)?.peak ?? NaN,
    samples,
  };
  return { relayed: atRate, memory };
}

async function coldStarts(world: World): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < settings.coldStarts; i++) {
    note(`app: cold start ${i + 1} of ${settings.coldStarts}`);
    const { target, startupMs } = await Target.launch('app-process', 'app', world.env, world.dataDir);
    samples.push(startupMs);
    await target.stop();
  }
  return samples;
}

/** The slowest read of a long hostile message by the ticket reader, in milliseconds. */
function hostileRead(): number {
  let slowest = 0;
  for (const text of LONG_HOSTILE_TEXTS) {
    const started = performance.now();
    ticketContext(
      { team_id: 'T0BENCH', channel_id: 'C0BENCH', ts: '1700000000.000100', text },
      { ticketPattern: HOSTILE_TICKET_PATTERN },
    );
    slowest = Math.max(slowest, performance.now() - started);
  }
  return slowest;
}

/** The app as measured on one store. */
interface AppResult {
  name: Row['target'];
  store: string;
  relayed: FollowUp;
}

function checks(rows: Row[], cold: number[], apps: AppResult[], memory: NonNullable<Report['memory']>, hostileReadMs: number) {
  const find = (target: Row['target'], workload: string, load: string) =>
    rows.find((r) => r.target === target && r.workload.startsWith(workload) && r.load === load);
  const saturated = (target: Row['target']) => find(target, '/feedback', 'saturation')?.run.perSecond ?? NaN;
  const ratios: Record<string, number> = { 'bare Bolt ÷ floor': saturated('bare Bolt') / saturated('floor') };
  for (const { name } of apps) {
    ratios[`${name} ÷ bare Bolt`] = saturated(name) / saturated('bare Bolt');
    // What a views.open costs any Bolt app, measured: the rest of the gap is the app's.
    ratios[`${name} ÷ Bolt + views.open`] = saturated(name) / saturated('Bolt + views.open');
  }
  const relayedAt = (target: Row['target'], load: string) => find(target, 'submission', load)?.followUp?.perSecond ?? NaN;
  // What the calls of a relayed submission cost any Bolt app, measured: the rest of the gap is the app's.
  const relayRatios: Record<string, number> = {};
  for (const { name } of apps) {
    relayRatios[`${name} at ${SUBMISSION_RATE}/s offered`] =
      relayedAt(name, `${SUBMISSION_RATE}/s`) / relayedAt('Bolt + relay calls', `${SUBMISSION_RATE}/s`);
    relayRatios[`${name} at saturation`] =
      (find(name, 'submission', 'saturation, long') ?? find(name, 'submission', 'saturation'))!.followUp!.perSecond! /
      relayedAt('Bolt + relay calls', 'saturation');
  }
  const coldMedian = median(cold);
  const complete = memory.submissions >= settings.submissions;
  const list: Check[] = apps.flatMap(({ name, store, relayed }) => {
    const feedbackP99 = find(name, '/feedback', `${FEEDBACK_RATE}/s`)?.run.latency.p99 ?? NaN;
    const share = ratios[`${name} ÷ bare Bolt`];
    const relayedPerSecond = relayed.perSecond ?? NaN;
    return [
      {
        name: `/feedback ack p99 at ${FEEDBACK_RATE}/s, ${store}`,
        value: `${feedbackP99.toFixed(1)} ms`,
        target: `≤ ${TARGETS.feedbackP99Ms} ms`,
        pass: feedbackP99 <= TARGETS.feedbackP99Ms,
      },
      {
        name: `/feedback at saturation, app ÷ bare Bolt, ${store}`,
        value: share.toFixed(2),
        target: `≥ ${TARGETS.boltShare.toFixed(2)}`,
        pass: share >= TARGETS.boltShare,
      },
      {
        name: `relayed at ${SUBMISSION_RATE}/s offered (Twitter ${TWITTER_DELAY_MS} ms), ${store}`,
        value: `${Math.round(relayedPerSecond)}/s, p99 ${relayed.latency.p99.toFixed(0)} ms`,
        target: `≥ ${TARGETS.relayedPerSecond}/s, p99 ≤ ${TARGETS.relayP99Ms} ms`,
        pass: relayedPerSecond >= TARGETS.relayedPerSecond && relayed.latency.p99 <= TARGETS.relayP99Ms,
      },
    ];
  });
  list.push(
    {
      name: `cold start, median of ${settings.coldStarts}`,
      value: `${Math.round(coldMedian)} ms`,
      target: `≤ ${TARGETS.coldStartMs} ms`,
      pass: coldMedian <= TARGETS.coldStartMs,
    },
    {
      name: `RSS growth over ${settings.submissions.toLocaleString('en-US')} submissions, ${apps[0].store}`,
      value: complete
        ? megabytes(memory.growthBytes)
        : `${megabytes(memory.growthBytes)}, but over ${memory.submissions.toLocaleString('en-US')} in ${settings.submissionSeconds} s`,
      target: `≤ ${megabytes(TARGETS.growthBytes)}`,
      // Growth over fewer submissions says nothing about the target.
      pass: complete ? memory.growthBytes <= TARGETS.growthBytes : undefined,
    },
    {
      name: `slowest read of a ${HOSTILE_TEXT_LENGTH.toLocaleString('en-US')}-character hostile message`,
      value: `${hostileReadMs.toFixed(1)} ms`,
      target: `≤ ${TARGETS.hostileReadMs} ms`,
      pass: hostileReadMs <= TARGETS.hostileReadMs,
    },
  );
  return { ratios, relayRatios, coldStartMs: { samples: cold, median: coldMedian }, checks: list };
}

/** The app's workloads, on the store `env` names; `long`: the long run its memory is watched over. */
async function appRuns(
  world: World,
  entry: 'app-process' | 'app-instances',
  name: Row['target'],
  env: Record<string, string>,
  rows: Row[],
  output: Report['output'],
  long: boolean,
) {
  const { target, url } = await Target.launch(entry, name, { ...env, BENCH_INSTANCES: String(INSTANCES) }, world.dataDir);
  try {
    const at = { target, url };
    const { viewIds, modals } = await feedbackRuns(world, at, rows);
    await switchRuns(world, at, rows, viewIds);
    return await submissionRuns(world, at, rows, modals, long);
  } finally {
    await target.stop();
    output[name] = { lines: target.lines, last: target.output() };
  }
}

/** The store configurations the answers' workloads run on, each in a store of its own. */
interface StoreSetup {
  name: Row['target'];
  entry: 'app-process' | 'app-instances';
  store: string;
  /** Where the targets hold: Redis. */
  targeted: boolean;
  env: Record<string, string>;
}

async function answerStores(world: World, redis: BenchRedis | undefined, file: string, database: number): Promise<StoreSetup[]> {
  const setups: StoreSetup[] = [
    {
      name: 'app',
      entry: 'app-process',
      store: 'SQLite',
      targeted: false,
      env: await world.on(`sqlite://${path.join(world.dataDir, file)}`),
    },
  ];
  if (redis) {
    setups.push(
      { name: 'app on Redis', entry: 'app-process', store: 'Redis', targeted: true, env: await world.on(redis.url(database)) },
      {
        name: `app ×${INSTANCES} on Redis`,
        entry: 'app-instances',
        store: `${INSTANCES} instances on Redis`,
        targeted: true,
        env: await world.on(redis.url(database + 1)),
      },
    );
  }
  return setups;
}

function webhookUrl(url: string): string {
  return url.replace(/\/slack\/events$/, WEBHOOK_PATH);
}

/**
 * Answers pushed by Twitter, at a fixed rate and at saturation: through the app's own route
 * with nothing stored (the baseline), then the app on each store, whose send records of
 * the cards are written first; afterwards, the counters the app kept are compared with
 * what the pushes add up to.
 */
async function webhookRuns(
  world: World,
  setups: StoreSetup[],
  rows: Row[],
  output: Report['output'],
): Promise<{ checks: Check[]; ratios: Record<string, number>; pushes: NonNullable<Report['webhook']> }> {
  const workspaces = world.workspaces.slice(0, ANSWER_WORKSPACES);
  const workload = 'answer pushed';
  const baselineName = 'Bolt + webhook route';
  {
    const { target, url } = await Target.launch('bolt-webhook', baselineName, world.env, world.dataDir);
    try {
      const pushes = new AnswerPushes(new Cards(world, WEBHOOK_CARDS, workspaces));
      await rateAndSaturation({ target, url: webhookUrl(url) }, rows, { target: baselineName, workload }, WEBHOOK_RATE, () =>
        pushes.next(),
      );
    } finally {
      await target.stop();
      output[baselineName] = { lines: target.lines, last: target.output() };
    }
  }
  const find = (target: string, load: string) =>
    rows.find((r) => r.target === target && r.workload === workload && r.load === load);
  const checks: Check[] = [];
  const ratios: Record<string, number> = {};
  const report: NonNullable<Report['webhook']> = [];
  for (const setup of setups) {
    const cards = new Cards(world, setup.store === 'SQLite' ? WEBHOOK_CARDS_SQLITE : WEBHOOK_CARDS, workspaces);
    note(`${setup.name}: writing the send records of ${cards.count.toLocaleString('en-US')} cards`);
    const seeding = performance.now();
    await cards.seedSends(setup.env);
    const seedSeconds = (performance.now() - seeding) / 1000;
    const pushes = new AnswerPushes(cards);
    const { target, url } = await Target.launch(setup.entry, setup.name, setup.env, world.dataDir);
    try {
      await rateAndSaturation(
        { target, url: webhookUrl(url) },
        rows,
        { target: setup.name, workload },
        WEBHOOK_RATE,
        () => pushes.next(),
        { answered: (push) => pushes.acknowledged(push) },
      );
      await pushes.sendAgain(webhookUrl(url));
    } finally {
      await target.stop();
      output[`${setup.name}, ${workload}`] = { lines: target.lines, last: target.output() };
    }
    const expected = pushes.expected();
    const stored = await cards.stored(setup.env);
    report.push({ target: setup.name, seedSeconds, ...pushes.counts, expected, stored });
    const fixed = find(setup.name, `${WEBHOOK_RATE}/s`)!.run;
    const saturated = find(setup.name, 'saturation')!.run;
    ratios[`${setup.name} ÷ ${baselineName}`] = saturated.perSecond / find(baselineName, 'saturation')!.run.perSecond;
    const exact = isDeepStrictEqual(expected, stored);
    checks.push(
      {
        name: `answers pushed at ${WEBHOOK_RATE.toLocaleString('en-US')}/s, p99, ${setup.store}`,
        value: `${fixed.latency.p99.toFixed(1)} ms, ${fixed.failed} failed`,
        target: `≤ ${TARGETS.webhookP99Ms} ms, none failed`,
        pass: setup.targeted ? fixed.latency.p99 <= TARGETS.webhookP99Ms && fixed.failed === 0 : undefined,
      },
      {
        name: `answers stored a second at saturation, ${setup.store}`,
        value: `${Math.round(saturated.perSecond)}/s, p99 ${saturated.latency.p99.toFixed(1)} ms`,
        target: `≥ ${TARGETS.webhookPerSecond.toLocaleString('en-US')}/s`,
        pass: setup.targeted ? saturated.perSecond >= TARGETS.webhookPerSecond : undefined,
      },
      {
        name: `counters after ${pushes.counts.pushes.toLocaleString('en-US')} pushes, ${setup.store}`,
        value: exact
          ? `exact: ${stored.answered.toLocaleString('en-US')} answers`
          : `${JSON.stringify(stored)}, wanted ${JSON.stringify(expected)}`,
        target: 'equal to the pushes',
        pass: exact,
      },
    );
  }
  return { checks, ratios, pushes: report };
}

/**
 * Helpdesks asking for feedback requests through the API, each a day ahead so that what is
 * measured is accepting it: through the app's own routes with nothing stored (the
 * baseline), then the app on each store, with a key per workspace made there first.
 */
async function apiRuns(
  world: World,
  setups: StoreSetup[],
  rows: Row[],
  output: Report['output'],
): Promise<{ checks: Check[]; ratios: Record<string, number> }> {
  const workspaces = world.workspaces.slice(0, ANSWER_WORKSPACES);
  const workload = 'request accepted';
  const baselineName = 'Bolt + API route';
  const keys = new Map<string, Map<string, string>>();
  for (const setup of setups) keys.set(setup.name, await createKeys(setup.env, workspaces));
  {
    const { target, url } = await Target.launch('bolt-api', baselineName, world.env, world.dataDir);
    try {
      const asked = new Acceptances(workspaces, keys.get(setups[0].name)!);
      await rateAndSaturation({ target, url: apiUrl(url) }, rows, { target: baselineName, workload }, API_RATE, () =>
        asked.next(),
      );
    } finally {
      await target.stop();
      output[baselineName] = { lines: target.lines, last: target.output() };
    }
  }
  const find = (target: string, load: string) =>
    rows.find((r) => r.target === target && r.workload === workload && r.load === load)!.run;
  const checks: Check[] = [];
  const ratios: Record<string, number> = {};
  for (const setup of setups) {
    const env = { ...setup.env, API_REQUESTS_PER_MINUTE };
    const { target, url } = await Target.launch(setup.entry, setup.name, env, world.dataDir);
    try {
      const asked = new Acceptances(workspaces, keys.get(setup.name)!);
      await rateAndSaturation({ target, url: apiUrl(url) }, rows, { target: setup.name, workload }, API_RATE, () => asked.next());
    } finally {
      await target.stop();
      output[`${setup.name}, ${workload}`] = { lines: target.lines, last: target.output() };
    }
    const fixed = find(setup.name, `${API_RATE}/s`);
    const saturated = find(setup.name, 'saturation');
    ratios[`${setup.name} API ÷ ${baselineName}`] = saturated.perSecond / find(baselineName, 'saturation').perSecond;
    checks.push(
      {
        name: `API requests at ${API_RATE.toLocaleString('en-US')}/s, p99, ${setup.store}`,
        value: `${fixed.latency.p99.toFixed(1)} ms, ${fixed.failed} failed`,
        target: `≤ ${TARGETS.apiP99Ms} ms, none failed`,
        pass: setup.targeted ? fixed.latency.p99 <= TARGETS.apiP99Ms && fixed.failed === 0 : undefined,
      },
      {
        name: `API requests accepted a second at saturation, ${setup.store}`,
        value: `${Math.round(saturated.perSecond)}/s, p99 ${saturated.latency.p99.toFixed(1)} ms`,
        target: `≥ ${TARGETS.apiPerSecond.toLocaleString('en-US')}/s`,
        pass: setup.targeted ? saturated.perSecond >= TARGETS.apiPerSecond : undefined,
      },
    );
  }
  return { checks, ratios };
}

/**
 * The scheduler's lag: DUE_RATE requests falling due each second for DUE_SECONDS, submitted
 * through the API beforehand, each timed from its due time to its feedback/create reaching
 * Twitter.
 */
async function scheduleRuns(
  world: World,
  setups: StoreSetup[],
  rows: Row[],
  output: Report['output'],
): Promise<{ checks: Check[]; schedule: NonNullable<Report['schedule']> }> {
  const workspaces = world.workspaces.slice(0, ANSWER_WORKSPACES);
  const count = DUE_RATE * DUE_SECONDS;
  const checks: Check[] = [];
  const schedule: NonNullable<Report['schedule']> = [];
  for (const [n, setup] of setups.entries()) {
    const keys = await createKeys(setup.env, workspaces);
    const env = { ...setup.env, API_REQUESTS_PER_MINUTE };
    const { target, url } = await Target.launch(setup.entry, setup.name, env, world.dataDir);
    const lags: number[] = [];
    try {
      const submitting = performance.now();
      const firstDueAt = Date.now() + DUE_LEAD_MS + (count / SUBMIT_FLOOR) * 1000;
      const due = new DueRequests(world, workspaces, keys, count, DUE_RATE, firstDueAt, (n * count) / workspaces.length);
      const reached = new Set<string>();
      world.listenToCreates((form, at) => {
        const dueAt = due.dueAt.get(form.external_id);
        if (dueAt === undefined || reached.has(form.external_id)) return;
        reached.add(form.external_id);
        lags.push(at - dueAt);
      });
      note(`${setup.name}: submitting ${count.toLocaleString('en-US')} requests, ${DUE_RATE}/s falling due for ${DUE_SECONDS} s`);
      const submitted = await load({
        url: apiUrl(url),
        connections: settings.connections,
        seconds: 60,
        amount: count,
        next: () => due.next(),
      });
      const submitSeconds = (performance.now() - submitting) / 1000;
      const lateBy = Date.now() - firstDueAt;
      if (lateBy > 0) note(`${setup.name}: submitting ended ${lateBy} ms after the first request fell due`);
      await sleep(Math.max(0, firstDueAt - Date.now()));
      const used = cpuUse(target.pid);
      const lastDueAt = firstDueAt + DUE_SECONDS * 1000;
      while (reached.size < submitted.answered && Date.now() < lastDueAt + DUE_SETTLE_MS) await sleep(100);
      const seconds = (Date.now() - firstDueAt) / 1000;
      world.listenToCreates(undefined);
      const run: Run = {
        sent: count,
        answered: reached.size,
        failed: count - reached.size,
        seconds,
        perSecond: reached.size / seconds,
        latency: latencies(lags),
        ...used(),
      };
      rows.push({ target: setup.name, workload: 'due → feedback/create', load: `${DUE_RATE}/s due`, run });
      schedule.push({
        target: setup.name,
        requests: count,
        accepted: submitted.answered,
        submitSeconds,
        submittedLateMs: Math.max(0, lateBy),
        sent: reached.size,
        lag: run.latency,
      });
      checks.push({
        name: `scheduler lag at ${DUE_RATE}/s due for ${DUE_SECONDS} s, p99, ${setup.store}`,
        value: `${run.latency.p99.toFixed(0)} ms (p50 ${run.latency.p50.toFixed(0)} ms), ${reached.size.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} sent`,
        target: `≤ ${TARGETS.scheduleLagP99Ms.toLocaleString('en-US')} ms, every one sent`,
        pass: lateBy > 0 ? undefined : run.latency.p99 <= TARGETS.scheduleLagP99Ms && reached.size === count,
      });
    } finally {
      world.listenToCreates(undefined);
      await target.stop();
      output[`${setup.name}, schedule`] = { lines: target.lines, last: target.output() };
    }
  }
  return { checks, schedule };
}

/**
 * One workspace's answers exported as CSV, on each store: the answers written first through
 * the app's send log and answer book, then streamed by a process of its own.
 */
async function csvRuns(world: World, setups: StoreSetup[]): Promise<{ checks: Check[]; csv: NonNullable<Report['csv']> }> {
  const checks: Check[] = [];
  const csv: NonNullable<Report['csv']> = [];
  const workspace = world.workspaces[0];
  const cards = new Cards(world, CSV_ROWS, [workspace]);
  for (const setup of setups.filter((s) => s.entry === 'app-process')) {
    note(`${setup.store}: storing ${CSV_ROWS.toLocaleString('en-US')} answers of one workspace`);
    const seeding = performance.now();
    await cards.seedAnswers(setup.env, 64, (n) => note(`  ${n.toLocaleString('en-US')} stored`));
    const seedSeconds = (performance.now() - seeding) / 1000;
    note(`${setup.store}: exporting them as CSV`);
    const figures = await exportCsv({ ...setup.env, BENCH_TEAM: workspace.teamId }, world.dataDir);
    csv.push({ store: setup.store, seedSeconds, ...figures });
    const growth = figures.rssPeakBytes - figures.rssBeforeBytes;
    checks.push({
      name: `${CSV_ROWS.toLocaleString('en-US')}-row CSV export, RSS growth, ${setup.store}`,
      value: `${megabytes(growth)} in ${(figures.ms / 1000).toFixed(1)} s, ${figures.rows.toLocaleString('en-US')} rows`,
      target: `≤ ${megabytes(TARGETS.csvGrowthBytes)}, every row`,
      pass: figures.rows === CSV_ROWS && growth <= TARGETS.csvGrowthBytes,
    });
  }
  return { checks, csv };
}

/**
 * Supervisors opening App Home and Results over RESULTS_ANSWERS answers in ANSWER_WORKSPACES
 * workspaces, each timed from the request to views.publish reaching Slack.
 */
async function resultsRuns(world: World, setups: StoreSetup[], rows: Row[], output: Report['output']) {
  const workspaces = world.workspaces.slice(0, ANSWER_WORKSPACES);
  const supervisors = workspaces.flatMap((workspace) => workspace.supervisorIds.map((id) => ({ workspace, id })));
  const checks: Check[] = [];
  const seeded: NonNullable<Report['results']> = [];
  const seed = new ResultsSeed(world, workspaces, RESULTS_ANSWERS / workspaces.length, RESULTS_WHOLE);
  for (const setup of setups.filter((s) => s.entry === 'app-process')) {
    note(`${setup.store}: counting ${RESULTS_ANSWERS.toLocaleString('en-US')} answers in ${workspaces.length} workspaces`);
    const seeding = performance.now();
    await seed.write(setup.env, (done) => {
      if (done % 20 === 0) note(`  ${done} workspaces counted`);
    });
    seeded.push({ target: setup.name, answers: RESULTS_ANSWERS, seedSeconds: (performance.now() - seeding) / 1000 });
    const { target, url } = await Target.launch(setup.entry, setup.name, setup.env, world.dataDir);
    try {
      const at = { target, url };
      const published = new Effects('views.publish reached Slack');
      const homes = new Map<string, SimulatedView>();
      const results = new Map<string, SimulatedView>();
      world.listen((call, arrived) => {
        if (call.method !== 'views.publish') return;
        const user = String(call.args.user_id);
        published.arrived(user, arrived, call.response.ok === true);
        const view = call.response.view as SimulatedView | undefined;
        if (view) (JSON.stringify(view.blocks).includes('"value":"90d"') ? results : homes).set(user, view);
      });
      let k = 0;
      const each = (request: (supervisor: (typeof supervisors)[number]) => Signed) => () => {
        const supervisor = supervisors[k++ % supervisors.length];
        published.caused(supervisor.id);
        return request(supervisor);
      };
      const everyone = async (request: (supervisor: (typeof supervisors)[number]) => Signed) => {
        k = 0;
        await load({ url, connections: 16, seconds: 60, amount: supervisors.length, next: each(request) });
        await published.settle();
        published.take();
      };
      const label = (workload: string) => ({ target: setup.name, workload });
      await everyone(({ workspace, id }) => homeOpened(workspace, id));
      const options = { effects: published, saturation: false };
      await rateAndSaturation(
        at,
        rows,
        label('App Home opened'),
        RESULTS_RATE,
        each(({ workspace, id }) => homeOpened(workspace, id)),
        options,
      );
      await everyone(({ id }) => clicked(homes.get(id)!, id, 'results'));
      await rateAndSaturation(
        at,
        rows,
        label('Results opened'),
        RESULTS_RATE,
        each(({ id }) => clicked(homes.get(id)!, id, 'results')),
        options,
      );
      await rateAndSaturation(
        at,
        rows,
        label('Results, 90 days'),
        RESULTS_RATE,
        each(({ id }) => clicked(results.get(id)!, id, '90d')),
        options,
      );
    } finally {
      await target.stop();
      output[`${setup.name}, Results`] = { lines: target.lines, last: target.output() };
    }
    for (const workload of ['Results opened', 'Results, 90 days']) {
      const row = rows.find((r) => r.target === setup.name && r.workload === workload && r.load === `${RESULTS_RATE}/s`)!;
      const { latency, missing } = row.followUp!;
      checks.push({
        name: `${workload} at ${RESULTS_RATE}/s over ${RESULTS_ANSWERS.toLocaleString('en-US')} answers, views.publish p99, ${setup.store}`,
        value: `${latency.p99.toFixed(0)} ms, ${missing} missing`,
        target: `≤ ${TARGETS.resultsP99Ms} ms`,
        pass: latency.p99 <= TARGETS.resultsP99Ms && missing === 0,
      });
    }
  }
  return { checks, seeded };
}

/** Runs csv-export.ts in a process of its own and returns what it measured. */
async function exportCsv(env: Record<string, string>, cwd: string): Promise<CsvFigures> {
  const child = fork(new URL('./csv-export.js', import.meta.url), [], {
    env,
    cwd,
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await Promise.race([once(child, 'message'), once(child, 'exit')])) as [{ csv?: CsvFigures } | number];
  if (typeof message !== 'object' || !message.csv) throw new Error(`the CSV export exited without figures (${message})`);
  await once(child, 'exit');
  return message.csv;
}

async function main(): Promise<void> {
  const submissions = SUBMISSION_RATE * (settings.warmupSeconds + settings.seconds) + settings.submissions;
  const world = await World.create(Math.max(ANSWER_WORKSPACES, Math.ceil(submissions / CUSTOMERS_PER_ACCOUNT)));
  const redis = await benchRedis();
  if (!redis) note('no redis-server on this machine: the app is measured on SQLite only');
  const rows: Row[] = [];
  const output: Report['output'] = {};
  const stores = [`SQLite ${storage(world.dataDir)}`];
  if (redis) stores.push("Redis: the bench's own redis-server on loopback, append-only file synced every second");
  const found: Pick<Report, 'checks' | 'ratios'> & Partial<Report> = { checks: [], ratios: {} };
  try {
    if (runs('slack')) Object.assign(found, await slackRuns(world, redis, rows, output));
    if (runs('webhook')) {
      const webhook = await webhookRuns(world, await answerStores(world, redis, 'answers.sqlite', 2), rows, output);
      found.checks.push(...webhook.checks);
      Object.assign(found.ratios, webhook.ratios);
      found.webhook = webhook.pushes;
    }
    if (runs('results')) {
      const results = await resultsRuns(world, await answerStores(world, redis, 'results.sqlite', 6), rows, output);
      found.checks.push(...results.checks);
      found.results = results.seeded;
    }
    if (runs('api')) {
      const api = await apiRuns(world, await answerStores(world, redis, 'api.sqlite', 8), rows, output);
      found.checks.push(...api.checks);
      Object.assign(found.ratios, api.ratios);
    }
    if (runs('schedule')) {
      const schedule = await scheduleRuns(world, await answerStores(world, redis, 'schedule.sqlite', 10), rows, output);
      found.checks.push(...schedule.checks);
      found.schedule = schedule.schedule;
    }
    if (runs('csv')) {
      const csv = await csvRuns(world, await answerStores(world, redis, 'export.sqlite', 4));
      found.checks.push(...csv.checks);
      found.csv = csv.csv;
    }

    const cpus = os.cpus();
    const report: Report = {
      when: new Date().toISOString(),
      machine: {
        cores: cpus.length,
        cpu: cpus[0]?.model.trim() ?? 'unknown',
        memoryBytes: os.totalmem(),
        node: process.version,
        os: `${os.type()} ${os.release()} ${os.arch()}`,
      },
      settings: {
        ...settings,
        parts: only.length ? only : [...PARTS],
        budgetPerConnection: BUDGET_PER_CONNECTION,
        twitterDelayMs: TWITTER_DELAY_MS,
        workspaces: world.workspaces.length,
        store: stores.join('; '),
      },
      rows,
      output,
      ...found,
    };
    console.log(render(report));
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nFigures written to ${path.relative(process.cwd(), out) || out}`);
  } finally {
    await Promise.all([world.close(), redis?.stop()]);
  }
}

/** The agents' requests: the baselines, then the app on each store; the long run on SQLite. */
async function slackRuns(world: World, redis: BenchRedis | undefined, rows: Row[], output: Report['output']) {
  const cold = await coldStarts(world);
  await baseline(world, 'floor', 'floor', rows, output);
  await baseline(world, 'bare-bolt', 'bare Bolt', rows, output);
  const baselineModals = new Map<string, SimulatedView>();
  await baseline(world, 'bolt-views-open', 'Bolt + views.open', rows, output, {
    env: workspacesEnv(world),
    opened: (view) => {
      if (!baselineModals.has(view.team_id)) baselineModals.set(view.team_id, view);
    },
  });
  await relayBaseline(world, rows, output, baselineModals);

  const onSqlite = await appRuns(world, 'app-process', 'app', world.env, rows, output, true);
  const apps: AppResult[] = [{ name: 'app', store: 'SQLite', relayed: onSqlite.relayed }];
  if (redis) {
    const onRedis = await appRuns(world, 'app-process', 'app on Redis', await world.on(redis.url(0)), rows, output, false);
    apps.push({ name: 'app on Redis', store: 'Redis', relayed: onRedis.relayed });
    const twice = await appRuns(
      world,
      'app-instances',
      `app ×${INSTANCES} on Redis`,
      await world.on(redis.url(1)),
      rows,
      output,
      false,
    );
    apps.push({ name: `app ×${INSTANCES} on Redis`, store: `${INSTANCES} instances on Redis`, relayed: twice.relayed });
  }
  const memory = onSqlite.memory!;
  return { memory, ...checks(rows, cold, apps, memory, hostileRead()) };
}

await main();
