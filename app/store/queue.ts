/**
 * Runs work one piece after another per key, so that a read, change and write of one
 * record never overwrites another's; different keys do not wait for each other. Within
 * this process only.
 */
export class KeyedQueue {
  /** Per key, the tail of the work waiting to run. */
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}
