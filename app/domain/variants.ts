import { readFileSync } from 'node:fs';

export const FEEDBACK_TYPES = ['csat', 'nps'] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];

export interface Variant {
  id: number;
  text: string;
}

interface Catalog {
  placeholder: string;
  nps: Variant[];
  csat: Variant[];
}

// The texts are Twitter's official question variants; they are read as data so that
// nobody retypes (and mistypes) a question a customer will read. The NPS ones are the
// 0–10 "how likely to recommend" questions a customer really reads, not the published
// NPS table, which repeats the CSAT wording.
const catalog: Catalog = JSON.parse(readFileSync(new URL('./feedback-variants.json', import.meta.url), 'utf8'));

export const PLACEHOLDER = catalog.placeholder;

export function isFeedbackType(value: unknown): value is FeedbackType {
  return value === 'csat' || value === 'nps';
}

export function variantsOf(type: FeedbackType): readonly Variant[] {
  return catalog[type];
}

export function findVariant(type: FeedbackType, id: number): Variant | undefined {
  return catalog[type].find((v) => v.id === id);
}

/** The question exactly as the customer will read it. */
export function questionText(type: FeedbackType, id: number, displayName: string): string {
  const variant = findVariant(type, id);
  if (!variant) throw new RangeError(`${type} has no question variant ${id}`);
  return variant.text.split(PLACEHOLDER).join(displayName);
}
