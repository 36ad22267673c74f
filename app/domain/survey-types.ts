import catalog from './feedback-variants.json' with { type: 'json' };

/** One of Twitter's official wordings of a survey's question. */
export interface Variant {
  id: number;
  text: string;
}

/** What a set of answers amounts to, as supervisors read it. */
export interface SurveyScore {
  answers: number;
  /** The survey's own headline figure: a percentage for CSAT, -100 to 100 for NPS. */
  score: number;
  mean: number;
}

export interface SurveyType {
  /** Twitter's name for the survey, as the `type` parameter sends it. */
  id: string;
  label: string;
  /** What it measures, in a few words. */
  measures: string;
  scale: { min: number; max: number };
  /** The texts are Twitter's own: read as data so that nobody retypes (and mistypes) a question a customer reads. */
  variants: readonly Variant[];
  score(answers: readonly number[]): SurveyScore | undefined;
}

function mean(answers: readonly number[]): number {
  return answers.reduce((sum, answer) => sum + answer, 0) / answers.length;
}

function percentOf(answers: readonly number[], counts: (answer: number) => boolean): number {
  return (100 * answers.filter(counts).length) / answers.length;
}

/**
 * Every survey Twitter offers, in the order the forms list them. Everything type-specific
 * (forms, command words, checks, App Home) reads from here, so a new survey is one entry.
 */
export const SURVEY_TYPES = {
  csat: {
    id: 'csat',
    label: 'CSAT',
    measures: 'customer satisfaction',
    scale: { min: 1, max: 5 },
    variants: catalog.csat,
    // Satisfied customers are those who answer 4 or 5.
    score: (answers) =>
      answers.length ? { answers: answers.length, score: percentOf(answers, (a) => a >= 4), mean: mean(answers) } : undefined,
  },
  nps: {
    id: 'nps',
    label: 'NPS',
    measures: 'Net Promoter Score',
    scale: { min: 0, max: 10 },
    // The 0–10 "how likely to recommend" questions a customer really reads, not the
    // published NPS table, which repeats the CSAT wording.
    variants: catalog.nps,
    // Promoters answer 9 or 10, detractors 0 to 6.
    score: (answers) =>
      answers.length
        ? {
            answers: answers.length,
            score: percentOf(answers, (a) => a >= 9) - percentOf(answers, (a) => a <= 6),
            mean: mean(answers),
          }
        : undefined,
  },
} as const satisfies Record<string, SurveyType>;

export type FeedbackType = keyof typeof SURVEY_TYPES;

export const FEEDBACK_TYPES = Object.keys(SURVEY_TYPES) as FeedbackType[];

/** Where a question names the business; Twitter fills in the display name. */
export const PLACEHOLDER = catalog.placeholder;

export function isFeedbackType(value: unknown): value is FeedbackType {
  return typeof value === 'string' && Object.hasOwn(SURVEY_TYPES, value);
}

/** A choice as a sentence says it: "a, b or c". */
export function oneOf(words: readonly string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words.join('');
}

/** Every type's label, as a sentence offers them: "CSAT or NPS". */
export const TYPE_CHOICE = oneOf(FEEDBACK_TYPES.map((type) => SURVEY_TYPES[type].label));
