/**
 * Cut text to Slack's limit without splitting an emoji: the result fits whether Slack
 * counts characters or UTF-16 units.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** mrkdwn treats &, < and > as markup: a customer's name must not become a mention. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
