import { stringify } from 'csv-stringify';
import { Readable, pipeline } from 'node:stream';
import type { Answer } from './answers.js';
import { parseTwitterTime } from './twitter-time.js';

export const CSV_COLUMNS = [
  'feedback_id',
  'sent_at',
  'answered_at',
  'type',
  'question_variant_id',
  'question',
  'score',
  'comment',
  'external_id',
  'agent',
  'customer_id',
  'customer_handle',
  'account',
  'test',
  'source',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** The question text a card showed, or undefined when the variant is unknown. */
export type QuestionOf = (answer: Answer) => string | undefined;

/** A time as ISO 8601 in UTC, which spreadsheets read; Twitter's own text when it is not a time. */
function isoTime(raw: string): string {
  const ms = parseTwitterTime(raw);
  return ms === undefined ? raw : new Date(ms).toISOString();
}

/** One export row, the newest of score and comment times being when it was answered; the score stays a number so that it is never mistaken for a formula and neutralised. */
export function csvRow(answer: Answer, questionOf: QuestionOf): Record<CsvColumn, string | number> {
  const times = [answer.score, answer.text].flatMap((part) => (part ? [part.created_at] : []));
  const answered = times.sort((a, b) => (parseTwitterTime(a) ?? 0) - (parseTwitterTime(b) ?? 0)).at(-1);
  return {
    feedback_id: answer.feedback_id,
    sent_at: isoTime(answer.created_at),
    answered_at: answered === undefined ? '' : isoTime(answered),
    type: answer.type,
    question_variant_id: answer.question_variant_id ?? '',
    question: questionOf(answer) ?? '',
    score: answer.score?.value ?? '',
    comment: answer.text?.value ?? '',
    external_id: answer.external_id ?? '',
    agent: answer.agent ?? '',
    customer_id: answer.to_user_id ?? '',
    customer_handle: answer.customer_handle ?? '',
    account: answer.from_user_id ?? '',
    test: String(answer.test),
    source: answer.source ?? '',
  };
}

/**
 * The answers as CSV bytes: UTF-8 with a byte order mark (so that Excel reads accents and emoji right), a header
 * row, and every text cell that a spreadsheet would run as a formula prefixed with a single quote. Answers are
 * pulled one at a time as the reader asks for bytes, so an export of any length holds only a few rows in memory.
 */
export function answersCsv(answers: AsyncIterable<Answer>, questionOf: QuestionOf): Readable {
  const csv = stringify({
    bom: true,
    header: true,
    columns: [...CSV_COLUMNS],
    escape_formulas: true,
    record_delimiter: 'windows',
    // Naming the record delimiter turns off quoting of a lone \n or \r, which comments often hold; that would split a row.
    quote_record_delimiter: true,
  });
  async function* rows() {
    for await (const answer of answers) yield csvRow(answer, questionOf);
  }
  // pipeline destroys the CSV stream with the source's error, so a failed read never looks like a complete file.
  pipeline(Readable.from(rows()), csv, () => {});
  return csv;
}
