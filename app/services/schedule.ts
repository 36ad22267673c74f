import type { InFlight } from './in-flight.js';

/**
 * The chores a long-running process repeats. A run that fails is told and the next one
 * still comes; each run counts as work in flight, so shutdown lets it finish.
 */
export class Schedule {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly inFlight: InFlight,
    private readonly warn: (message: string) => void,
  ) {}

  /** Runs `work` every `everyMs`; the answer runs it once more, at once. `failed` starts the warning. */
  every(everyMs: number, failed: string, work: () => Promise<unknown>): () => Promise<void> {
    const run = () =>
      this.inFlight.track(work()).then(
        () => undefined,
        (error: Error) => this.warn(`${failed}: ${error.message}`),
      );
    const timer = setInterval(run, everyMs);
    // A chore must not keep a process alive that has nothing else to do.
    timer.unref();
    this.timers.add(timer);
    return run;
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
  }
}
