import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface BenchRedis {
  url: string;
  /** Where it came from, for the report. */
  source: string;
  stop(): Promise<void>;
}

const READY_WITHIN_MS = 10_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      socket.destroy();
      resolve(text.startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * The Redis the app is also measured on: BENCH_REDIS_URL's (an empty database the bench
 * may fill), or else a server of its own from the machine's redis-server, on a free
 * loopback port, persisting as the README recommends (append-only file, synced every
 * second) into a directory removed afterwards. Undefined where there is neither.
 */
export async function benchRedis(): Promise<BenchRedis | undefined> {
  const given = process.env.BENCH_REDIS_URL;
  if (given) return { url: given, source: 'BENCH_REDIS_URL', stop: async () => undefined };
  if (spawnSync('redis-server', ['--version']).error) return undefined;

  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'feedback-bench-redis-'));
  const server: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const giveUpAt = Date.now() + READY_WITHIN_MS;
  while (!(await answersPing(port))) {
    if (server.exitCode !== null || Date.now() > giveUpAt) {
      await stop();
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await delay(50);
  }
  return { url: `redis://127.0.0.1:${port}/0`, source: `redis-server on loopback (its own, append-only file synced every second)`, stop };
}
