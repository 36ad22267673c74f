import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Answer } from '../domain/answers.js';
import { answersCsv } from '../domain/answers-csv.js';
import type { Period } from '../domain/export-period.js';
import { isFeedbackType } from '../domain/survey-types.js';
import { findVariant, questionText } from '../domain/variants.js';
import type { AnswerBook } from './answer-book.js';

/** A finished export on disk, until `remove`. */
export interface ExportFile {
  path: string;
  filename: string;
  bytes: number;
  rows: number;
  remove(): Promise<void>;
}

export interface AnswerExportParts {
  book: Pick<AnswerBook, 'answersIn'>;
  /** The names of the business accounts the workspace has connected, by Twitter user id: the question's "<your name>". */
  accountNames(teamId: string): Promise<Map<string, string>>;
  /** Where exports are written while they are uploaded; the system's temporary folder by default. */
  directory?: string;
}

/**
 * Writes a workspace's answers of a period as a CSV file, row by row as they are read from
 * the store: the file, not memory, holds the export, so its size is its length's only limit.
 * Uploading needs its size first (files.getUploadURLExternal), which only a finished file has.
 */
export class AnswerExport {
  constructor(private readonly parts: AnswerExportParts) {}

  async write(teamId: string, period: Period): Promise<ExportFile> {
    const names = await this.parts.accountNames(teamId);
    const questionOf = (answer: Answer) => {
      const id = Number(answer.question_variant_id);
      if (!isFeedbackType(answer.type) || !Number.isInteger(id) || !findVariant(answer.type, id)) return undefined;
      return questionText(answer.type, id, names.get(answer.from_user_id ?? '') ?? 'your business');
    };
    let rows = 0;
    const counted = async function* (answers: AsyncIterable<Answer>) {
      for await (const answer of answers) {
        rows++;
        yield answer;
      }
    };
    const folder = await mkdtemp(path.join(this.parts.directory ?? tmpdir(), 'feedback-export-'));
    const remove = () => rm(folder, { recursive: true, force: true });
    const filename = `feedback-${period.from}-to-${period.to}.csv`;
    const file = path.join(folder, filename);
    try {
      // The file's back-pressure reaches the store: an answer is read only once the bytes before it are written.
      await pipeline(
        answersCsv(counted(this.parts.book.answersIn(teamId, period)), questionOf),
        createWriteStream(file, { mode: 0o600 }),
      );
      return { path: file, filename, bytes: (await stat(file)).size, rows, remove };
    } catch (error) {
      await remove();
      throw error;
    }
  }
}
