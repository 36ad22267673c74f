import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/** What a measured process tells the bench. */
export type TargetMessage = { ready: number } | { profiling: true } | { profiled: string } | { memory: NodeJS.MemoryUsage };

/** What the bench asks of it: the V8 CPU profile of one run, written to `to`; its memory as V8 sees it. */
export type BenchMessage = { profile: 'start' } | { profile: 'stop'; to: string } | { memory: true };

/**
 * The measured side of the bench's IPC channel: says where the process listens, profiles
 * it around single runs, and stops it when the bench lets go of it (also when the bench
 * itself dies, so that no server outlives it).
 */
export function serve(port: number, stop: () => Promise<void>): void {
  const tell = (message: TargetMessage) => process.send?.(message);
  let session: Session | undefined;
  process.on('message', (message: BenchMessage) => {
    void (async () => {
      if ('memory' in message) {
        tell({ memory: process.memoryUsage() });
      } else if (message.profile === 'start') {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        tell({ profiling: true });
      } else if (session) {
        const { profile } = await session.post('Profiler.stop');
        session.disconnect();
        session = undefined;
        await writeFile(message.to, JSON.stringify(profile));
        tell({ profiled: message.to });
      }
    })();
  });
  process.once('disconnect', () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  tell({ ready: port });
}
