import type { Totals } from './answers.js';
import type { CsvFigures } from './csv-export.js';
import type { FollowUp, Latencies, Run } from './load.js';
import type { ProfileSummary } from './profile.js';

export interface Row {
  target: string;
  workload: string;
  /** "200/s", or "saturation". */
  load: string;
  run: Run;
  followUp?: FollowUp;
  profile?: ProfileSummary;
}

export interface Check {
  name: string;
  value: string;
  target: string;
  /** Undefined when the run fell short of what the target is about. */
  pass?: boolean;
}

export interface Settings {
  quick: boolean;
  /** Each measured run, at a fixed rate or at saturation. */
  seconds: number;
  warmupSeconds: number;
  /** The long run the app's memory is watched over... */
  submissions: number;
  /** ...which ends after this long, whatever it reached. */
  submissionSeconds: number;
  /** Concurrent connections at saturation. */
  connections: number;
  coldStarts: number;
  profile: boolean;
}

export interface MemorySample {
  submitted: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/**
 * A stretch of the long run. The heap fills with garbage between major collections, so
 * single samples say little: RSS is taken at its highest, the heap at its lowest (what
 * survived the collections: the app's live objects).
 */
export interface MemoryWindow {
  /** Submissions of the long run at its start and end. */
  from: number;
  to: number;
  rssBytes: number;
  heapFloorBytes: number;
}

export interface Report {
  when: string;
  machine: { cores: number; cpu: string; memoryBytes: number; node: string; os: string };
  settings: Settings & {
    /** What was measured (BENCH_ONLY). */
    parts: string[];
    /** Requests each connection sends a second at a fixed rate. */
    budgetPerConnection: number;
    twitterDelayMs: number;
    workspaces: number;
    store: string;
  };
  rows: Row[];
  /** Of throughput at saturation: /feedback, and answers pushed. */
  ratios: Record<string, number>;
  /** Of submissions relayed a second, the app's over the relay baseline's. */
  relayRatios?: Record<string, number>;
  coldStartMs?: { samples: number[]; median: number };
  memory?: {
    submissions: number;
    afterWarmup: MemoryWindow;
    end: MemoryWindow;
    /** Of the RSS high-water marks. */
    growthBytes: number;
    /** The process's RSS high-water mark over its whole life. */
    peakBytes: number;
    samples: MemorySample[];
  };
  /** Answers pushed to each configuration: how long its send records took to write, and its counters after the runs. */
  webhook?: Array<{
    target: string;
    seedSeconds: number;
    pushes: number;
    /** Pushes that were Twitter sending one again. */
    again: number;
    /** Pushes the runs left unanswered, sent again after them. */
    resent: number;
    cards: number;
    expected: Totals;
    stored: Totals;
  }>;
  /** The answers Results was opened over, and how long they took to count and store. */
  results?: Array<{ target: string; answers: number; seedSeconds: number }>;
  /** Requests scheduled through the API to fall due at a steady rate: how many reached Twitter, and how late. */
  schedule?: Array<{
    target: string;
    requests: number;
    /** Answered 202 by the API. */
    accepted: number;
    submitSeconds: number;
    /** How long after the first due time submitting ended: above 0, sending was measured beside it. */
    submittedLateMs: number;
    /** Whose feedback/create reached Twitter. */
    sent: number;
    /** From each one's due time to its feedback/create reaching Twitter. */
    lag: Latencies;
  }>;
  /** One workspace's answers exported, on each store. */
  csv?: Array<CsvFigures & { store: string; seedSeconds: number }>;
  /** What the measured processes wrote: warnings and errors among them. */
  output: Record<string, { lines: number; last: string[] }>;
  checks: Check[];
}

/** A bench using most of its core may be what limits a run, not the target. */
const BENCH_BOUND = 0.9;

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const percent = (share: number | undefined) => (share === undefined ? '–' : `${Math.round(share * 100)} %`);
export const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function table(rows: string[][], rightAligned: number[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (rightAligned.includes(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function render(report: Report): string {
  const { machine, settings } = report;
  const lines: string[] = [
    `Machine: ${machine.cores} × ${machine.cpu}, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${machine.node}, ${machine.os}`,
    `Runs: ${settings.seconds} s each after ${settings.warmupSeconds} s of warm-up${settings.quick ? ' (quick mode)' : ''}; ` +
      `saturation with ${settings.connections} connections; the long run ${count(settings.submissions)} submissions or ` +
      `${settings.submissionSeconds} s; ${settings.workspaces} workspaces; Twitter answers in ${settings.twitterDelayMs} ms; ` +
      `the app's store ${settings.store}`,
    '',
  ];
  const rows: string[][] = [
    [
      'target',
      'workload',
      'load',
      'sent',
      'req/s',
      'p50 ms',
      'p99 ms',
      'failed',
      'target CPU',
      'bench CPU',
      'other CPU',
      'bench lag',
    ],
  ];
  for (const row of report.rows) {
    const { run } = row;
    const bound = run.benchCpu >= BENCH_BOUND ? ' (bench-bound)' : '';
    rows.push([
      row.target,
      row.workload,
      row.load,
      count(run.sent),
      count(run.perSecond),
      ms(run.latency.p50),
      ms(run.latency.p99),
      count(run.failed),
      percent(run.targetCpu),
      percent(run.benchCpu) + bound,
      percent(run.otherCpu),
      `${ms(run.benchDelayMs)} ms`,
    ]);
    if (row.followUp) {
      const { what, latency, perSecond, missing } = row.followUp;
      rows.push([
        '',
        `  → ${what}`,
        '',
        '',
        perSecond === undefined ? '' : count(perSecond),
        ms(latency.p50),
        ms(latency.p99),
        count(missing),
      ]);
    }
  }
  lines.push(
    table(rows, [3, 4, 5, 6, 7, 8, 9, 10, 11]),
    `At a fixed rate, each connection sends ${settings.budgetPerConnection} requests back to back at the start of every second.`,
    'CPU as shares of one core. bench: load generation and both simulators; (bench-bound) where it used most of its',
    'core, so the figure may be its limit. other: the rest of the machine, steal included: high means a disturbed run.',
    "bench lag: how late the bench's own event loop ran (99th percentile), which is part of every latency.",
    '',
  );
  if (Object.keys(report.ratios).length) {
    lines.push(
      'Ratios of throughput at saturation: ' +
        Object.entries(report.ratios)
          .map(([name, value]) => `${name} ${value.toFixed(2)}`)
          .join(', '),
    );
  }
  if (report.relayRatios) {
    lines.push(
      'Submissions relayed a second, ÷ Bolt + relay calls: ' +
        Object.entries(report.relayRatios)
          .map(([name, value]) => `${name} ${value.toFixed(2)}`)
          .join(', '),
    );
  }
  if (report.coldStartMs) {
    lines.push(`Cold start (spawn to listening): ${report.coldStartMs.samples.map((s) => `${Math.round(s)} ms`).join(', ')}`);
  }
  const { memory } = report;
  if (memory) {
    const window = (w: MemoryWindow) =>
      `  submissions ${count(w.from)}–${count(w.to)}: RSS up to ${megabytes(w.rssBytes)}, V8 heap down to ${megabytes(w.heapFloorBytes)}`;
    lines.push(
      `App memory over the ${count(memory.submissions)} submissions of the long run:`,
      window(memory.afterWarmup),
      window(memory.end),
      `  peak RSS of the process: ${megabytes(memory.peakBytes)}`,
    );
  }
  for (const w of report.webhook ?? []) {
    lines.push(
      `Answers pushed to ${w.target}: ${count(w.pushes)} pushes (${count(w.again)} sent again by Twitter, ` +
        `${count(w.resent)} left unanswered at the end of a run and sent again after) answering ${count(w.cards)} cards, ` +
        `whose send records took ${w.seedSeconds.toFixed(1)} s to write`,
    );
  }
  for (const r of report.results ?? []) {
    lines.push(`Results on ${r.target}: ${count(r.answers)} answers, counted and stored in ${r.seedSeconds.toFixed(1)} s`);
  }
  for (const s of report.schedule ?? []) {
    lines.push(
      `Scheduled on ${s.target}: ${count(s.requests)} requests submitted in ${s.submitSeconds.toFixed(1)} s ` +
        `(${count(s.accepted)} accepted${s.submittedLateMs > 0 ? `, ending ${count(s.submittedLateMs)} ms after the first fell due` : ''}); ` +
        `${count(s.sent)} reached Twitter, lag from due time p50 ${ms(s.lag.p50)} ms, p99 ${ms(s.lag.p99)} ms, max ${ms(s.lag.max)} ms`,
    );
  }
  for (const c of report.csv ?? []) {
    lines.push(
      `CSV export on ${c.store}: ${count(c.rows)} rows, ${megabytes(c.bytes)} in ${(c.ms / 1000).toFixed(2)} s ` +
        `(${count(c.rows / (c.ms / 1000))} rows/s); RSS ${megabytes(c.rssBeforeBytes)} before, at most ` +
        `${megabytes(c.rssPeakBytes)} during; storing the answers took ${c.seedSeconds.toFixed(1)} s`,
    );
  }
  lines.push('');
  const checks: string[][] = [['target', 'measured', 'wanted', '']];
  for (const check of report.checks) {
    checks.push([check.name, check.value, check.target, check.pass === undefined ? 'n/a' : check.pass ? 'PASS' : 'MISS']);
  }
  lines.push(table(checks, [1]));
  for (const row of report.rows.filter((r) => r.profile)) {
    const profile = row.profile!;
    const cpuMs =
      row.run.targetCpu === undefined
        ? ''
        : `, ${count(row.run.targetCpu * row.run.seconds * 1000)} ms of CPU used by the process`;
    lines.push(
      '',
      `Profile of ${row.target}, ${row.workload} at ${row.load}: main thread sampled busy ${count(profile.busyMs)} ms of ` +
        `${count(row.run.seconds * 1000)} ms${cpuMs}; ` +
        profile.byOrigin
          .filter((o) => o.share >= 0.01)
          .map((o) => `${o.origin} ${percent(o.share)}`)
          .join(', '),
      `  (${profile.file})`,
      table(
        [
          ['self ms', 'share', 'origin', 'function', 'where'],
          ...profile.top.map((spot) => [count(spot.selfMs), percent(spot.share), spot.origin, spot.function, spot.where]),
        ],
        [0, 1],
      ).replace(/^/gm, '  '),
    );
  }
  for (const [name, output] of Object.entries(report.output).filter(([, o]) => o.lines > 0)) {
    lines.push('', `${name} wrote ${count(output.lines)} lines; the last:`, ...output.last.map((line) => `  ${line}`));
  }
  return lines.join('\n');
}
