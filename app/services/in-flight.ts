/**
 * Work that goes on after Slack was answered (a send, its report, a chore). Shutdown
 * waits for it, so a stopping process neither cuts a send short nor loses its outcome.
 */
export class InFlight {
  private readonly unfinished = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.unfinished.add(work);
    return work.finally(() => this.unfinished.delete(work));
  }

  /** Once everything tracked so far has settled, however it ended. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.unfinished);
  }
}
