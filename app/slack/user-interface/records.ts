import { describePeriod, type Period } from '../../domain/export-period.js';
import type { RecipientInput } from '../../domain/feedback-request.js';
import type { Forgotten } from '../../services/record-keeping.js';

/** Words for exporting answers and forgetting customers. */

export const NOT_SUPERVISOR = {
  title: 'Supervisors only',
  text:
    'Nothing was exported: answers are for supervisors only (workspace admins and owners, and the people and user ' +
    'groups admins name in App Home → Settings). Ask an admin if you need them.',
};

export const NOT_ADMIN_FORGET =
  'Nothing was deleted: only workspace admins and owners, and the people they named as admins, can make the app forget a customer.';

function days(period: Period): string {
  return `${describePeriod(period)} (UTC days the cards were sent)`;
}

export function exportStarted(period: Period): string {
  return `:hourglass_flowing_sand: Exporting the answers to cards sent ${days(period)}. The CSV file will arrive in your DM with the app.`;
}

export function exportComment(period: Period, rows: number): string {
  if (rows === 0) return `No answers to cards sent ${days(period)}: the file holds the column names only.`;
  return `Answers to cards sent ${days(period)}: ${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}, one per card.`;
}

export function exportFailed(period: Period): string {
  return `:warning: The CSV export of the answers to cards sent ${days(period)} could not be finished, and no file was shared. Try again in a few minutes; if it keeps failing, ask whoever runs the app to look at its log.`;
}

export function customerLabel(customer: RecipientInput): string {
  return customer.kind === 'id' ? `the customer with user id ${customer.id}` : `@${customer.screen_name}`;
}

export function forgetStarted(customer: RecipientInput): string {
  return `:hourglass_flowing_sand: Deleting everything the app keeps about ${customerLabel(customer)} in this workspace…`;
}

function counted(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function forgetDone(customer: RecipientInput, removed: Forgotten): string {
  const total = removed.answers + removed.sends + removed.confirmations;
  if (total === 0) return `The app kept nothing about ${customerLabel(customer)} in this workspace: nothing was deleted.`;
  return (
    `Deleted ${counted(total, 'record', 'records')} about ${customerLabel(customer)} in this workspace: ` +
    `${counted(removed.answers, 'answer', 'answers')}, ${counted(removed.sends, 'send record', 'send records')} and ` +
    `${counted(removed.confirmations, 'confirmation', 'confirmations')} waiting to be sent. ` +
    'The Results figures no longer count them, and answers Twitter reports later to cards sent to them before now are not stored.'
  );
}

export function forgetFailed(customer: RecipientInput): string {
  return `:warning: Not everything about ${customerLabel(customer)} could be deleted. Run the same command again: what is already gone is not counted twice.`;
}
