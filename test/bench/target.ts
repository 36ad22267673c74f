import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { BenchMessage, TargetMessage } from './child.js';

export type TargetEntry =
  | 'floor'
  | 'bare-bolt'
  | 'bolt-views-open'
  | 'bolt-relay'
  | 'bolt-webhook'
  | 'bolt-api'
  | 'app-process'
  | 'app-instances';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;
/** Enough of a target's output to say why it failed. */
const KEPT_LINES = 20;

/** A server under measurement, in a process of its own so that it never shares the load generator's event loop. */
export class Target {
  /** Lines the process wrote (warnings and errors included); the bench reports any. */
  lines = 0;
  private readonly tail: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
    /** One process that does all the work: its CPU profile tells where the time goes. */
    readonly profilable: boolean,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter(Boolean)) {
          this.lines++;
          this.tail.push(line);
          if (this.tail.length > KEPT_LINES) this.tail.shift();
        }
      });
    }
  }

  /** Resolves once it listens, with how long that took from the spawn. */
  static async launch(
    entry: TargetEntry,
    name: string,
    env: Record<string, string>,
    cwd: string,
  ): Promise<{ target: Target; url: string; startupMs: number }> {
    const started = performance.now();
    const child = fork(new URL(`./${entry}.js`, import.meta.url), [], {
      env,
      cwd,
      // The bench's own flags (a --cpu-prof, say) are not the target's.
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const target = new Target(child, name, entry !== 'app-instances');
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(target.failure(`did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const ready = (message: TargetMessage) => {
        if (!('ready' in message)) return;
        clearTimeout(timer);
        child.off('message', ready);
        resolve(message.ready);
      };
      child.on('message', ready);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(target.failure(`exited with code ${code} before listening`));
      });
    });
    return { target, url: `http://127.0.0.1:${port}/slack/events`, startupMs: performance.now() - started };
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Runs `work` under the V8 CPU profiler and writes the profile to `to`. */
  async profile<T>(to: string, work: () => Promise<T>): Promise<T> {
    await this.ask({ profile: 'start' }, 'profiling');
    const result = await work();
    await this.ask({ profile: 'stop', to }, 'profiled');
    return result;
  }

  /** Its memory as its V8 sees it: what is live on the heap, beside what the system counts. */
  async memory(): Promise<NodeJS.MemoryUsage> {
    return (await this.ask({ memory: true }, 'memory')).memory;
  }

  /** Closes the IPC channel, which the target takes as the order to stop; forced after a timeout. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** The last lines it wrote. */
  output(): string[] {
    return [...this.tail];
  }

  private ask<K extends 'profiling' | 'profiled' | 'memory'>(
    message: BenchMessage,
    answer: K,
  ): Promise<Extract<TargetMessage, Record<K, unknown>>> {
    return new Promise((resolve) => {
      const listener = (reply: TargetMessage) => {
        if (answer in reply) {
          this.child.off('message', listener);
          resolve(reply as Extract<TargetMessage, Record<K, unknown>>);
        }
      };
      this.child.on('message', listener);
      this.child.send(message);
    });
  }

  private failure(what: string): Error {
    return new Error(`${this.name} ${what}:\n${this.tail.join('\n')}`);
  }
}
