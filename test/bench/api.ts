import { loadConfig } from '../../app/config.js';
import { ApiKeys } from '../../app/services/api-keys.js';
import { claimLock } from '../../app/store/lock.js';
import { openStore } from '../../app/store/store.js';
import type { Signed } from './load.js';
import type { BenchWorkspace, World } from './world.js';

/**
 * Helpdesks asking for feedback requests through the app's HTTP API: one key per workspace,
 * made in the store as App Home makes them, and bodies that name a different customer each.
 */

/** Far from the bench's other users: these customers are never sent to. */
const FIRST_CUSTOMER = 7_000_000_000_000;
/** Each key's own limit, raised so that the bench measures the app rather than its rate limit. */
export const API_REQUESTS_PER_MINUTE = '999999';

/** A key for each of `workspaces`, made in the store `env` names. */
export async function createKeys(env: Record<string, string>, workspaces: BenchWorkspace[]): Promise<Map<string, string>> {
  const store = await openStore(loadConfig(env).store);
  try {
    const keys = new ApiKeys({ records: store.records('api-keys'), lock: claimLock(store), store, perMinute: 1 });
    const made = new Map<string, string>();
    for (const w of workspaces) {
      const created = await keys.create(w.teamId, 'Bench helpdesk', w.agentId);
      if (!created.ok) throw new Error(`no API key for ${w.teamId}: ${created.error}`);
      made.set(w.teamId, created.key);
    }
    return made;
  } finally {
    await store.close();
  }
}

/** The API's address on a target that serves Slack at `url`. */
export function apiUrl(url: string): string {
  return url.replace(/\/slack\/events$/, '/api/v1/feedback-requests');
}

function asked(key: string, body: object): Signed {
  return {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  };
}

/** Requests sent a day from now, to customers no request named before: what is measured is their acceptance. */
export class Acceptances {
  private k = 0;

  constructor(
    private readonly workspaces: BenchWorkspace[],
    private readonly keys: Map<string, string>,
  ) {}

  next(): Signed {
    const k = this.k++;
    const w = this.workspaces[k % this.workspaces.length];
    return asked(this.keys.get(w.teamId)!, {
      customer: String(FIRST_CUSTOMER + k),
      external_id: `ticket ${k}`,
      send_after: 24 * 60 * 60,
    });
  }
}

/**
 * `perSecond` requests falling due each second from `firstDueAt` (epoch ms), evenly within
 * it, each to a customer Twitter knows and no other request of the same workspace names;
 * `offset` keeps the customers of one store's run apart from another's.
 */
export class DueRequests {
  /** external_id → when it falls due. */
  readonly dueAt = new Map<string, number>();
  private k = 0;

  constructor(
    private readonly world: World,
    private readonly workspaces: BenchWorkspace[],
    private readonly keys: Map<string, string>,
    readonly count: number,
    private readonly perSecond: number,
    private readonly firstDueAt: number,
    private readonly offset: number,
  ) {
    if (Math.ceil(count / workspaces.length) + offset > world.customers.length) throw new Error('too few customers to schedule');
  }

  get left(): number {
    return this.count - this.k;
  }

  next(): Signed {
    const k = this.k++;
    const w = this.workspaces[k % this.workspaces.length];
    const customer = this.world.customers[this.offset + Math.floor(k / this.workspaces.length)];
    const due = this.firstDueAt + Math.floor((k * 1000) / this.perSecond);
    const externalId = `scheduled ${this.offset} ${k}`;
    this.dueAt.set(externalId, due);
    return asked(this.keys.get(w.teamId)!, {
      customer: customer.id_str,
      external_id: externalId,
      send_after: new Date(due).toISOString(),
    });
  }
}
