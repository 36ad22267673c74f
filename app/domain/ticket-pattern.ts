import RE2 from 're2';

/**
 * An admin's ticket pattern runs on text that anyone in a channel writes, in the one
 * process every workspace shares. RE2 matches in time linear in the text, whatever the
 * pattern (JavaScript's own engine can take exponential time on a pattern like
 * `(a+)+$`), and these bounds keep that linear time small.
 */
export const TICKET_PATTERN_LIMITS = {
  /** Characters in the pattern itself. */
  length: 200,
  /** Characters of a message the pattern reads, the message's text, blocks and attachments together. */
  message: 50_000,
  /** Characters of a `/feedback` command the pattern reads from where a word starts. */
  word: 1_000,
};

/** The pattern ready to match: anywhere in a text, and exactly at a place (sticky). */
export interface TicketPattern {
  anywhere: RegExp;
  at: RegExp;
}

export type CompiledPattern = { ok: true; value: TicketPattern } | { ok: false; problem: string };

const NOT_LINEAR = 'patterns run without backtracking, so that no text can make them slow';

/** RE2's own words for what it refuses, where JavaScript would have taken it. */
const UNSUPPORTED: Array<[RegExp, string]> = [
  [/invalid perl operator: \(\?<[=!]/, `Lookbehind ((?<=…), (?<!…)) is not supported: ${NOT_LINEAR}.`],
  [/invalid perl operator: \(\?[=!]/, `Lookahead ((?=…), (?!…)) is not supported: ${NOT_LINEAR}.`],
  [/invalid escape sequence: \\([1-9]|k)/, `Backreferences (\\1, \\k<name>) are not supported: ${NOT_LINEAR}.`],
  [/pattern too large/, 'The pattern is too large once compiled: use fewer or smaller repetitions.'],
];

function compile(source: string): CompiledPattern {
  if ([...source].length > TICKET_PATTERN_LIMITS.length) {
    return { ok: false, problem: `At most ${TICKET_PATTERN_LIMITS.length} characters.` };
  }
  try {
    return { ok: true, value: { anywhere: new RE2(source, 'gi'), at: new RE2(source, 'iy') } };
  } catch (error) {
    const said = (error as Error).message;
    const known = UNSUPPORTED.find(([test]) => test.test(said));
    return { ok: false, problem: known ? known[1] : `Not a valid regular expression: ${said}` };
  }
}

// Workspaces have one pattern each; the bound only stops a stream of edits from growing it.
const CACHE_SIZE = 256;
const cache = new Map<string, CompiledPattern>();

/** The admin's pattern, compiled once per source and kept while it is in use. */
export function compileTicketPattern(source: string): CompiledPattern {
  const known = cache.get(source);
  if (known) {
    cache.delete(source);
    cache.set(source, known);
    return known;
  }
  const compiled = compile(source);
  cache.set(source, compiled);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return compiled;
}

/** The number of capture groups in a source that compiles. */
export function groupCount(source: string): number {
  return new RE2(`${source}|`).exec('')!.length - 1;
}

/** At most `max` UTF-16 units of a text, never half a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}
