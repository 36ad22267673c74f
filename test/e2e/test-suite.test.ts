import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { fixture, repoRoot } from '../support/paths.js';
import { closedPort, temporaryDir } from '../support/temporary.js';

// The suite's own promises: it runs from the repository alone, and leaves nothing behind.

/** Runs ava in `cwd` on the given files and options; resolves with its exit code and output. */
async function ava(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(cwd, 'node_modules/ava/entrypoints/cli.mjs'), ...args], { cwd, env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'close');
  return { code, output };
}

/** This process's environment without the shared database servers, which a second run must not share. */
function ownEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { TEST_REDIS_URL: _redis, TEST_POSTGRES_URL: _postgres, ...env } = process.env;
  return { ...env, ...extra };
}

test('the tests that check against the references pass in a copy of the repository with nothing beside it', async (t) => {
  t.timeout(180_000);
  const lone = path.join(temporaryDir(t, 'feedback-lone-'), 'repository');
  const left = new Set(['node_modules', '.git', 'data', '.env']);
  cpSync(repoRoot, lone, { recursive: true, filter: (from) => !left.has(path.relative(repoRoot, from)) });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(lone, 'node_modules'), 'dir');
  const files = ['unit/domain/feedback-request', 'unit/manifest', 'unit/twitter/oauth'].map(
    (name) => `dist/test/${name}.test.js`,
  );
  const reading = [
    'the catalog is Twitter’s reference table*',
    'manifest.yml is a valid Slack app manifest',
    'the app signs the known-answer request*',
  ];
  const { code, output } = await ava(lone, [...files, ...reading.flatMap((title) => ['--match', title])], ownEnv({}));
  t.is(code, 0, output);
  t.regex(output, /3 tests passed/, output);
});

test('every fixture says where it comes from', (t) => {
  const readme = readFileSync(fixture('README.md'), 'utf8');
  const copies = readdirSync(path.dirname(fixture('README.md'))).filter((name) => name !== 'README.md');
  t.true(copies.length > 0);
  for (const name of copies) t.regex(readme, new RegExp(`\`${name.replace(/\./g, '\\.')}\` \\| the reference contract`), name);
});

test('the start-up tests remove the folders they make', async (t) => {
  t.timeout(180_000);
  const tmp = temporaryDir(t, 'feedback-tmp-');
  const { code, output } = await ava(repoRoot, ['dist/test/e2e/startup.test.js'], ownEnv({ TMPDIR: tmp }));
  t.is(code, 0, output);
  t.deepEqual(readdirSync(tmp), [], 'left behind');
});

/** What connecting to a local port ends in: its error code, or undefined when something answers. */
async function connectionError(port: number): Promise<string | undefined> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  } finally {
    socket.destroy();
  }
}

test('a closed port refuses connections', async (t) => {
  t.is(await connectionError(await closedPort()), 'ECONNREFUSED');
});
