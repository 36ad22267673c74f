import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../app/config.js';
import { startApp } from '../../app/server.js';
import { serve } from './child.js';

/**
 * Several instances of the app behind one port, as behind a load balancer: each a process
 * started as app/index.ts starts it, sharing the store STORE_URL names; Node's cluster
 * hands each new connection to the next instance in turn.
 */
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 2);

if (cluster.isPrimary) {
  const workers: Worker[] = Array.from({ length: INSTANCES }, () => cluster.fork());
  const [port] = await Promise.all(workers.map(async (worker) => ((await once(worker, 'listening'))[0] as AddressInfo).port));
  serve(port, async () => {
    const exited = workers.map((worker) => once(worker, 'exit'));
    for (const worker of workers) worker.send('stop');
    await Promise.all(exited);
  });
} else {
  const running = await startApp(loadConfig(process.env));
  process.on('message', (message) => {
    if (message === 'stop')
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}
