import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../../app/store/sqlite.js';

// One round rarely meets the lock; many rounds of a fresh file each meet it nearly always.
test('eight stores opening each of 60 new files at the same moment all open', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedback-sqlite-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const failures: string[] = [];
  for (let round = 0; round < 60; round += 1) {
    const url = `sqlite://${join(dir, `race-${round}.sqlite`)}`;
    const opened = await Promise.allSettled(Array.from({ length: 8 }, () => openSqlite(url)));
    for (const result of opened) {
      if (result.status === 'rejected') failures.push((result.reason as Error).message);
      else await result.value.close();
    }
  }
  t.deepEqual(failures, []);
});
