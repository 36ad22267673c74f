import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface BenchRedis {
  /** An empty database of it for each configuration measured on it. */
  url(database: number): string;
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
 * The Redis the app is also measured on: a server of the bench's own from the machine's
 * redis-server, on a free loopback port, persisting as the README recommends (append-only
 * file, synced every second) into a directory removed afterwards. Undefined without one.
 */
export async function benchRedis(): Promise<BenchRedis | undefined> {
  if (spawnSync('redis-server', ['--version']).error) return undefined;

  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'feedback-bench-redis-'));
  const server: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
    ],
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
  return { url: (database) => `redis://127.0.0.1:${port}/${database}`, stop };
}
