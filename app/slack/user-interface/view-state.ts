/** A view's state.values: block_id, then action_id, then what the element holds. */
export type StateValues = Record<string, Record<string, unknown>>;

// Payloads are read defensively: a missing or odd-shaped block reads as empty and is then
// refused by the checks, never thrown on.

/** The block's element, whatever its action_id (a question list's changes with the type). */
function element(values: StateValues | undefined, blockId: string): Record<string, unknown> | undefined {
  const block = values?.[blockId];
  const first = block && typeof block === 'object' ? Object.values(block)[0] : undefined;
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** What a text input holds. */
export function textIn(values: StateValues | undefined, blockId: string): string | undefined {
  return stringOf(element(values, blockId)?.value);
}

/** The value of a select's or radio group's chosen option. */
export function selectedIn(values: StateValues | undefined, blockId: string): string | undefined {
  const option = element(values, blockId)?.selected_option as { value?: unknown } | null | undefined;
  return stringOf(option?.value);
}

/** The values of the ticked checkboxes. */
export function checkedIn(values: StateValues | undefined, blockId: string): string[] {
  const options = element(values, blockId)?.selected_options;
  return Array.isArray(options) ? options.flatMap((o) => stringOf((o as { value?: unknown } | null)?.value) ?? []) : [];
}

/** The people chosen in a users select. */
export function usersIn(values: StateValues | undefined, blockId: string): string[] {
  const users = element(values, blockId)?.selected_users;
  return Array.isArray(users) ? users.filter((u): u is string => typeof u === 'string') : [];
}

/** The conversations chosen in a conversations multi-select. */
export function conversationsIn(values: StateValues | undefined, blockId: string): string[] {
  const chosen = element(values, blockId)?.selected_conversations;
  return Array.isArray(chosen) ? chosen.filter((c): c is string => typeof c === 'string') : [];
}
