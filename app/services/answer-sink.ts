import type { AnswerEvent } from '../domain/answers.js';

/**
 * Where every answer arrives, whichever path brought it (Twitter's push, a card asked for,
 * the reconciling read of events): one merge rule, so no path can count an answer twice.
 */
export interface AnswerSink {
  record(event: AnswerEvent): Promise<void>;
}
