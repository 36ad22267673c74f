import autocannon from 'autocannon';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, machineBusySeconds } from './procfs.js';

/** One request as Slack sends it: the body and its headers, the signature among them. */
export interface Signed {
  body: string | Buffer;
  headers: Record<string, string>;
}

export interface Latencies {
  count: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
}

export function latencies(values: number[]): Latencies {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { count: sorted.length, p50: at(50), p99: at(99), max: at(100) };
}

export interface FollowUp {
  what: string;
  latency: Latencies;
  /** Effects per second, where that differs from answers per second. */
  perSecond?: number;
  /** Requests whose effect never arrived, or arrived as Slack's refusal. */
  missing: number;
}

/** How long effects (a modal opening, an outcome shown) may still arrive after a run. */
const SETTLE_MS = 15_000;

/**
 * What the requests of a run caused in Slack (a modal opened, a form updated, an outcome
 * shown), timed from each request going out to its effect arriving, matched by a key
 * both carry.
 */
export class Effects {
  private started = new Map<string, number>();
  private elapsed: number[] = [];
  private refused = 0;

  constructor(readonly what: string) {}

  caused(key: string): void {
    this.started.set(key, performance.now());
  }

  /** `ok` false: Slack refused it. */
  arrived(key: string, at: number, ok = true): void {
    const started = this.started.get(key);
    if (started === undefined) return;
    this.started.delete(key);
    this.elapsed.push(at - started);
    if (!ok) this.refused++;
  }

  /** Waits until every effect has arrived, or SETTLE_MS. */
  async settle(): Promise<void> {
    const deadline = performance.now() + SETTLE_MS;
    while (this.started.size > 0 && performance.now() < deadline) await sleep(50);
  }

  /** The effects so far; counting starts afresh. */
  take(): FollowUp {
    const followUp = { what: this.what, latency: latencies(this.elapsed), missing: this.started.size + this.refused };
    this.started = new Map();
    this.elapsed = [];
    this.refused = 0;
    return followUp;
  }
}

export interface LoadOptions {
  url: string;
  connections: number;
  /**
   * Requests per second offered, rate × seconds of them in all; unset, every connection
   * sends again as soon as it is answered, for `seconds` or `amount` requests.
   */
  rate?: number;
  seconds: number;
  /** At saturation, stops after this many requests: for runs that draw on a finite supply (open views, say). */
  amount?: number;
  /** The next request, made just before it is sent; called once per request sent. */
  next(): Signed;
  /** Hears each request answered with a 2xx. */
  answered?(request: Signed): void;
  /** The target process, whose CPU use is reported beside the bench's own. */
  pid?: number;
}

export interface Run {
  sent: number;
  /** Answered with a 2xx. */
  answered: number;
  /** Other answers, connection errors and timeouts. */
  failed: number;
  /** What answers are counted over: the run, or at a fixed rate the seconds it was offered for, unless answers took longer. */
  seconds: number;
  perSecond: number;
  latency: Latencies;
  /** Share of one core the target used over the run. */
  targetCpu?: number;
  /** Share of one core the bench used: load generation and both simulators. */
  benchCpu: number;
  /** Cores' worth of CPU everything else on the machine took meanwhile: a sign of a disturbed run. */
  otherCpu?: number;
  /** How late the bench's own event loop ran, at the 99th percentile: time added to every latency. */
  benchDelayMs: number;
}

/** A target that falls behind a fixed rate gets this many times the run's seconds to catch up. */
const LATE_FACTOR = 2;

export async function load(options: LoadOptions): Promise<Run> {
  const fixed = options.rate !== undefined;
  const amount = fixed ? Math.round(options.rate! * options.seconds) : options.amount;
  const answeredMs: number[] = [];
  let lastAnswer = 0;
  let sent = 0;
  let refused = 0;
  const usage = cpuUse(options.pid);
  const started = performance.now();
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    amount,
    overallRate: options.rate,
    sampleInt: 100,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context: { sending?: Signed }) => {
          sent++;
          // A connection has one request out at a time, and hears its answer before making the next.
          context.sending = options.next();
          return { ...request, ...context.sending };
        },
        onResponse: (status, _body, context: { sending?: Signed }) => {
          if (status >= 200 && status < 300 && context.sending) options.answered?.(context.sending);
        },
      },
    ],
  });
  // Latencies as measured: autocannon's own histogram corrects them, at a fixed rate, as if
  // each connection sent a request every millisecond, and keeps whole milliseconds.
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) answeredMs.push(ms);
    else refused++;
    lastAnswer = performance.now();
  });
  // An amount overrides autocannon's own duration.
  const deadline =
    amount === undefined ? undefined : setTimeout(() => instance.stop(), options.seconds * (fixed ? LATE_FACTOR : 1) * 1000);
  const result = await instance;
  clearTimeout(deadline);
  const used = usage();
  const elapsed = (performance.now() - started) / 1000;
  const seconds = fixed ? Math.max(options.seconds, (lastAnswer - started) / 1000) : elapsed;
  return {
    sent,
    answered: answeredMs.length,
    failed: refused + result.errors,
    seconds,
    perSecond: answeredMs.length / seconds,
    latency: latencies(answeredMs),
    ...used,
  };
}

export type CpuUse = Pick<Run, 'targetCpu' | 'benchCpu' | 'otherCpu' | 'benchDelayMs'>;

/** Starts counting the CPU the target `pid`, the bench and the rest of the machine use; the call returns it so far. */
export function cpuUse(pid: number | undefined): () => CpuUse {
  const targetBefore = pid === undefined ? undefined : cpuSeconds(pid);
  const machineBefore = machineBusySeconds();
  const benchBefore = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  return () => {
    delay.disable();
    const elapsed = (performance.now() - started) / 1000;
    const targetAfter = pid === undefined ? undefined : cpuSeconds(pid);
    const machineAfter = machineBusySeconds();
    const bench = process.cpuUsage(benchBefore);
    const benchSeconds = (bench.user + bench.system) / 1e6;
    const targetSeconds = targetBefore === undefined || targetAfter === undefined ? undefined : targetAfter - targetBefore;
    return {
      targetCpu: targetSeconds === undefined ? undefined : targetSeconds / elapsed,
      benchCpu: benchSeconds / elapsed,
      otherCpu:
        machineBefore === undefined || machineAfter === undefined || targetSeconds === undefined
          ? undefined
          : Math.max(0, machineAfter - machineBefore - targetSeconds - benchSeconds) / elapsed,
      benchDelayMs: delay.percentile(99) / 1e6,
    };
  };
}
