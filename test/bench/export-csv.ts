import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Answer } from '../../app/domain/answers.js';
import { AnswerBook } from '../../app/services/answer-book.js';
import { AnswerExport } from '../../app/services/answer-export.js';
import { indexAnswer } from '../../app/services/record-index.js';
import { SendLog } from '../../app/services/send-log.js';
import { postFile } from '../../app/slack/transport.js';
import { claimLock } from '../../app/store/lock.js';
import { openStore } from '../../app/store/store.js';

/**
 * `node dist/test/bench/export-csv.js [rows]`: a CSV export of 100,000 answers (or `rows`)
 * from a SQLite store, written to disk and streamed to an upload URL that discards it; prints
 * its time and the process's memory before, at its peak and after.
 */
const ROWS = Number(process.argv[2] ?? 100_000);
const TEAM = 'T0BENCH001';
const ACCOUNT = '1212121212121';
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const dir = mkdtempSync(path.join(tmpdir(), 'export-bench-'));
const store = await openStore({ storeUrl: `sqlite://${path.join(dir, 'bench.sqlite')}`, encryptionKey: Buffer.alloc(32, 1) });
// A thousand cards a day, as a busy workspace sends them: the export reads a day's list at a time.
const DAY_MS = 24 * 60 * 60 * 1000;
const today = Date.now();
const dayOf = (n: number) => new Date(today - Math.floor(n / 1000) * DAY_MS).toISOString().slice(0, 10);
for (let i = 0; i < ROWS; i += 500) {
  await Promise.all(
    Array.from({ length: Math.min(500, ROWS - i) }, async (_, j) => {
      const n = i + j;
      const at = `${dayOf(n)}T${String(n % 24).padStart(2, '0')}:00:00.000Z`;
      const answer: Answer = {
        feedback_id: String(1_700_000_000_000_000_000n + BigInt(n)),
        type: n % 2 ? 'csat' : 'nps',
        test: false,
        created_at: at,
        updated_at: at,
        question_variant_id: '0',
        from_user_id: ACCOUNT,
        to_user_id: String(900_000_000 + n),
        external_id: `ticket_${n}`,
        source: 'app',
        agent: 'U0AGENT001',
        customer_handle: `customer${n}`,
        score: { value: n % 2 ? 1 + (n % 5) : n % 11, created_at: at, updated_at: at },
        text: { value: `Comment number ${n}: the agent was quick, and kind. =1+1 "quoted"`, created_at: at, updated_at: at },
      };
      await store.records('answers').set({ teamId: TEAM }, answer.feedback_id, answer);
      await indexAnswer(store, TEAM, answer);
    }),
  );
}
const book = new AnswerBook({
  records: store.records('answers'),
  store,
  lock: claimLock(store),
  sends: new SendLog(store.records('sends'), store),
  accounts: { workspacesWith: async () => [], connected: async () => [ACCOUNT] },
});
const exporter = new AnswerExport({ book, accountNames: async () => new Map([[ACCOUNT, 'Acme Support']]) });
const sink = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => res.end(`OK - ${bytes}`));
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/upload/v1/x`;

globalThis.gc?.();
const before = process.memoryUsage().rss;
let peak = before;
let heapPeak = 0;
const watch = setInterval(() => {
  const now = process.memoryUsage();
  peak = Math.max(peak, now.rss);
  heapPeak = Math.max(heapPeak, now.heapUsed);
}, 20);
const started = performance.now();
const file = await exporter.write(TEAM, { from: dayOf(ROWS - 1), to: dayOf(0) });
const written = performance.now();
const sent = await postFile(url, file);
const uploaded = performance.now();
clearInterval(watch);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(`${file.rows.toLocaleString('en-US')} rows, ${mb(file.bytes)} of CSV; upload answered ${sent.status} ${sent.text}`);
console.log(`written in ${((written - started) / 1000).toFixed(1)} s, uploaded in ${((uploaded - written) / 1000).toFixed(2)} s`);
console.log(`RSS before ${mb(before)}, peak ${mb(peak)} (growth ${mb(peak - before)}); V8 heap at most ${mb(heapPeak)}`);
await file.remove();
sink.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
