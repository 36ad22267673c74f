import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.js';

export interface AppProcess {
  child: ChildProcess;
  /** Where Slack posts: http://127.0.0.1:PORT/slack/events */
  url: string;
  /** What the app has written to stderr so far. */
  errors(): string;
}

/** The app as `npm start` runs it, in a process of its own (so that it can be killed outright). */
export async function startAppProcess(env: Record<string, string>, cwd: string): Promise<AppProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/app/index.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd,
  });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  for await (const chunk of child.stdout!) {
    const port = /listening on port (\d+)/.exec(String(chunk))?.[1];
    if (port) return { child, url: `http://127.0.0.1:${port}/slack/events`, errors: () => output };
  }
  throw new Error(`the app did not start: ${output}`);
}
