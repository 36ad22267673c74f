import { randomUUID } from 'node:crypto';
import { isUserId } from '../domain/feedback-request.js';
import {
  ACCOUNT_DAILY_LIMIT,
  DAY_MS,
  accountDailyRefusal,
  isAllowlisted,
  pausedRefusal,
  recipientRefusal,
  recipientWindowMs,
  type LimitSettings,
  type Refusal,
} from '../domain/limits.js';
import { workspaceId, type Workspace } from '../domain/workspace.js';
import type { Records, Reserved, Store } from '../store/store.js';

/**
 * The places one request holds. They count until released: keep them when Twitter sent
 * the request or may have, release them when it certainly sent nothing.
 */
export interface Reservation {
  readonly id: string;
  readonly keys: readonly string[];
}

export interface SendAttempt {
  workspace: Workspace;
  /** The business account's Twitter user id. */
  accountId: string;
  /** to_user_id. */
  recipientId: string;
  /** As the agent typed it, when it was a handle: for the allowlist and for the agent's message. */
  recipientHandle?: string;
  settings: LimitSettings;
  now?: Date;
}

export type Reserve = { ok: true; reservation: Reservation } | { ok: false; refusal: Refusal };

function twitterId(value: string, what: string): string {
  if (!isUserId(value)) throw new Error(`Not a Twitter user id for the ${what}: ${JSON.stringify(value)}`);
  return value;
}

/**
 * Twitter's send limits, and the workspace's own, taken before feedback/create is called:
 * a request Twitter would refuse for a limit never leaves, and two agents cannot both
 * ask one customer at the same moment.
 */
export class SendLimits {
  private readonly pauses: Records;
  private readonly accountLimit: number;

  /** `accountLimit` stands in for Twitter's 1,000 where a smaller number is wanted. */
  constructor(
    private readonly store: Pick<Store, 'reserve' | 'release' | 'records'>,
    options: { accountLimit?: number } = {},
  ) {
    this.pauses = store.records('send-pauses');
    this.accountLimit = options.accountLimit ?? ACCOUNT_DAILY_LIMIT;
  }

  async reserve(attempt: SendAttempt): Promise<Reserve> {
    const { workspace, settings } = attempt;
    const accountId = twitterId(attempt.accountId, 'business account');
    const recipient = { id: twitterId(attempt.recipientId, 'customer'), handle: attempt.recipientHandle };
    const now = (attempt.now ?? new Date()).getTime();

    const id = randomUUID();
    const account = `send:account:${workspaceId(workspace)}:${accountId}`;
    const windowMs = recipientWindowMs(settings);
    const customer = isAllowlisted(settings.allowlist, recipient)
      ? undefined
      : `send:recipient:${workspaceId(workspace)}:${accountId}:${recipient.id}`;
    // All at once, as the agent waits for them: whatever place was taken is given back
    // when anything failed or refused, so a refused request holds nothing.
    let failure: { error: unknown } | undefined;
    const settled = <T>(work: Promise<T>) =>
      work.catch((error: unknown) => {
        failure ??= { error };
        return undefined;
      });
    const [pausedUntil, accountPlace, customerPlace] = await Promise.all([
      settled(this.pauses.get<number>(workspace, accountId)),
      settled(this.store.reserve(account, this.accountLimit, DAY_MS, now, id)),
      customer === undefined ? ({ ok: true } as Reserved) : settled(this.store.reserve(customer, 1, windowMs, now, id)),
    ]);
    const taken = [...(accountPlace?.ok ? [account] : []), ...(customer !== undefined && customerPlace?.ok ? [customer] : [])];

    let refusal: Refusal | undefined;
    if (pausedUntil !== undefined && pausedUntil > now) refusal = pausedRefusal(new Date(pausedUntil));
    else if (accountPlace && !accountPlace.ok)
      refusal = accountDailyRefusal(this.accountLimit, new Date(accountPlace.oldestAt + DAY_MS));
    else if (customerPlace && !customerPlace.ok)
      refusal = recipientRefusal(recipient, new Date(customerPlace.oldestAt), windowMs);
    const reservation = { id, keys: taken };
    if (failure || refusal) await this.release(reservation);
    if (failure) throw failure.error;
    return refusal ? { ok: false, refusal } : { ok: true, reservation };
  }

  async release(reservation: Reservation): Promise<void> {
    await Promise.all(reservation.keys.map((key) => this.store.release(key, reservation.id)));
  }

  /** After Twitter's rate limit (HTTP 429, code 88): nothing goes out as this account until `until`. */
  async pauseAccount(workspace: Workspace, accountId: string, until: Date, now = new Date()): Promise<void> {
    const id = twitterId(accountId, 'business account');
    const ttlMs = until.getTime() - now.getTime();
    if (ttlMs <= 0) return;
    // Twitter has more than one window; an answer about a shorter one must not lift a longer pause.
    const current = await this.pauses.get<number>(workspace, id);
    if (current !== undefined && current >= until.getTime()) return;
    await this.pauses.set(workspace, id, until.getTime(), ttlMs);
  }
}
