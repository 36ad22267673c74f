import { PLACEHOLDER, SURVEY_TYPES, type FeedbackType, type Variant } from './survey-types.js';

export function variantsOf(type: FeedbackType): readonly Variant[] {
  return SURVEY_TYPES[type].variants;
}

export function findVariant(type: FeedbackType, id: number): Variant | undefined {
  return variantsOf(type).find((v) => v.id === id);
}

/** The question exactly as the customer will read it. */
export function questionText(type: FeedbackType, id: number, displayName: string): string {
  const variant = findVariant(type, id);
  if (!variant) throw new RangeError(`${type} has no question variant ${id}`);
  return variant.text.split(PLACEHOLDER).join(displayName);
}
