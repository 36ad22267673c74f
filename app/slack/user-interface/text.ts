/** Cut text to `max`, ending in "…", taking whole `units` only. */
function cut(text: string, max: number, units: Iterable<string>): string {
  if (text.length <= max) return text;
  let out = '';
  for (const unit of units) {
    if (out.length + unit.length > max - 1) break;
    out += unit;
  }
  return `${out}…`;
}

/**
 * Cut text to Slack's limit without splitting an emoji: the result fits whether Slack
 * counts characters or UTF-16 units.
 */
export function truncate(text: string, max: number): string {
  return cut(text, max, text);
}

/** mrkdwn treats &, < and > as markup: a customer's name must not become a mention. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// What a cut must keep whole in mrkdwn: an escaped character, a <…> token, an emoji.
const MRKDWN_UNIT = /&(?:amp|lt|gt);|<[^<>]*>|[\s\S]/gu;

/**
 * Cut mrkdwn to Slack's limit once it is escaped: "&amp;" counts as five characters,
 * and neither it, a mention nor an emoji is ever left half.
 */
export function truncateMrkdwn(text: string, max: number): string {
  return cut(text, max, text.match(MRKDWN_UNIT) ?? []);
}
