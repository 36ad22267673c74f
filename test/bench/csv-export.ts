import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../app/config.js';
import { answersCsv } from '../../app/domain/answers-csv.js';
import { questionText } from '../../app/domain/variants.js';
import { SendLog } from '../../app/services/send-log.js';
import { openStore } from '../../app/store/store.js';
import { answerBook } from './answers.js';
import { resident } from './procfs.js';

/** What one export measured. */
export interface CsvFigures {
  rows: number;
  bytes: number;
  ms: number;
  /** Resident before the export began, after a collection. */
  rssBeforeBytes: number;
  /** The most resident at once during the export. */
  rssPeakBytes: number;
}

const SAMPLE_MS = 5;

/**
 * One workspace's answers exported as CSV, in a process of its own so that its memory is
 * the export's alone: BENCH_TEAM's answers read from the store STORE_URL names, streamed
 * as the app streams them, the bytes counted and dropped.
 */
const store = await openStore(loadConfig(process.env).store);
const book = answerBook(store, new SendLog(store.records('sends'), store));
const questionOf = (answer: { type: 'csat' | 'nps'; question_variant_id?: string }) =>
  answer.question_variant_id === undefined ? undefined : questionText(answer.type, Number(answer.question_variant_id), 'Acme');

global.gc?.();
const before = process.memoryUsage().rss;
// Linux starts the high-water mark afresh at the RSS of now.
try {
  writeFileSync('/proc/self/clear_refs', '5');
} catch {}
let peak = before;
const sampling = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, SAMPLE_MS);
const started = performance.now();
let bytes = 0;
let lines = 0;
for await (const chunk of answersCsv(book.answers(process.env.BENCH_TEAM ?? ''), questionOf)) {
  const buffer = chunk as Buffer;
  bytes += buffer.length;
  // Comments' own line breaks are quoted and never \r\n: each \r\n ends a row.
  for (let at = buffer.indexOf('\r\n'); at !== -1; at = buffer.indexOf('\r\n', at + 2)) lines++;
}
const ms = performance.now() - started;
clearInterval(sampling);
await store.close();
const figures: CsvFigures = {
  rows: lines - 1,
  bytes,
  ms,
  rssBeforeBytes: before,
  rssPeakBytes: Math.max(peak, resident(process.pid)?.peak ?? 0),
};
process.send?.({ csv: figures });
