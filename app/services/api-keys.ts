import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { apiKeyWorkspace, checkApiKeyName, formatApiKey } from '../domain/api-key.js';
import type { Lock } from '../store/lock.js';
import type { Records, Store } from '../store/store.js';

/** What App Home shows of a key: never the key, nor its hash. */
export interface ApiKeySummary {
  id: string;
  name: string;
  /** ISO 8601. */
  created_at: string;
  created_by: string;
  /** ISO 8601, to the minute at best: see LAST_USED_EVERY_MS. */
  last_used_at?: string;
}

interface StoredKey {
  id: string;
  name: string;
  /** SHA-256 of the whole key, hex: see hashOf. */
  hash: string;
  created_at: string;
  created_by: string;
  revoked_at?: string;
  revoked_by?: string;
}

interface KeysDocument {
  keys: StoredKey[];
}

export type Authentication =
  | { ok: true; teamId: string; keyId: string }
  | { ok: false; reason: 'missing' | 'unknown' | 'revoked' };

export type Created = { ok: true; key: string; summary: ApiKeySummary } | { ok: false; error: string };

export type Admitted = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Enough for every helpdesk a workspace runs; App Home lists each one. */
export const MAX_ACTIVE_KEYS = 10;
/** A revoked key answers "revoked" this long, then it is forgotten and reads as unknown. */
const REVOKED_KEPT_MS = 90 * 24 * 60 * 60 * 1000;
/** Last-used is written at most this often per key and process, never on every call. */
export const LAST_USED_EVERY_MS = 60_000;
/** A key unused this long loses its last-used record (its summary then says "never"). */
const LAST_USED_KEPT_MS = 400 * 24 * 60 * 60 * 1000;

const KEYS = 'keys';

/**
 * A key has 256 random bits, so its SHA-256 cannot be reversed by guessing, whatever
 * the attacker's hardware: slow, salted password hashes exist for secrets people choose,
 * and would only cost every API call time here. A plain digest also needs no comparison
 * against each stored key: the one that matches is found by its hash.
 */
function hashOf(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const usedKey = (id: string) => `used:${id}`;

/**
 * The workspace's API keys, each acting for that workspace alone. A key is shown once,
 * when it is made; the store keeps only its hash.
 */
export class ApiKeys {
  /** When this process last wrote each key's last-used time. */
  private readonly written = new Map<string, number>();

  constructor(
    private readonly deps: {
      records: Records;
      lock: Lock;
      store: Pick<Store, 'reserve'>;
      /** Requests each key may make in any minute. */
      perMinute: number;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private async document(teamId: string): Promise<KeysDocument> {
    return (await this.deps.records.get<KeysDocument>({ teamId }, KEYS)) ?? { keys: [] };
  }

  /** Reads, changes and writes the keys whole, while no other instance does. */
  private change<T>(teamId: string, work: (doc: KeysDocument) => { doc: KeysDocument; result: T }): Promise<T> {
    return this.deps.lock(`api-keys:${teamId}`, async () => {
      const { doc, result } = work(await this.document(teamId));
      const forgetBefore = this.now() - REVOKED_KEPT_MS;
      doc.keys = doc.keys.filter((k) => !k.revoked_at || Date.parse(k.revoked_at) > forgetBefore);
      await this.deps.records.set({ teamId }, KEYS, doc);
      return result;
    });
  }

  async create(teamId: string, name: string | undefined, createdBy: string): Promise<Created> {
    const checked = checkApiKeyName(name);
    if (!checked.ok) return checked;
    const key = formatApiKey(teamId, randomBytes(32));
    const stored: StoredKey = {
      id: randomUUID(),
      name: checked.value,
      hash: hashOf(key),
      created_at: new Date(this.now()).toISOString(),
      created_by: createdBy,
    };
    return this.change<Created>(teamId, (doc) => {
      if (doc.keys.filter((k) => !k.revoked_at).length >= MAX_ACTIVE_KEYS) {
        return { doc, result: { ok: false, error: `A workspace has at most ${MAX_ACTIVE_KEYS} keys: revoke one first.` } };
      }
      const { hash: _hash, ...summary } = stored;
      return { doc: { keys: [...doc.keys, stored] }, result: { ok: true, key, summary } };
    });
  }

  /** The keys in use, oldest first. */
  async list(teamId: string): Promise<ApiKeySummary[]> {
    const active = (await this.document(teamId)).keys.filter((k) => !k.revoked_at);
    const used = await Promise.all(active.map((k) => this.deps.records.get<string>({ teamId }, usedKey(k.id))));
    return active.map(({ id, name, created_at, created_by }, i) => ({
      id,
      name,
      created_at,
      created_by,
      ...(used[i] ? { last_used_at: used[i] } : {}),
    }));
  }

  /** False when the workspace has no such key in use. */
  revoke(teamId: string, id: string, revokedBy: string): Promise<boolean> {
    return this.change(teamId, (doc) => {
      const key = doc.keys.find((k) => k.id === id && !k.revoked_at);
      if (key) Object.assign(key, { revoked_at: new Date(this.now()).toISOString(), revoked_by: revokedBy });
      return { doc, result: key !== undefined };
    });
  }

  /** Whose key `presented` is. A key is looked for only among the keys of the workspace it names. */
  async authenticate(presented: string | undefined): Promise<Authentication> {
    if (!presented) return { ok: false, reason: 'missing' };
    const teamId = apiKeyWorkspace(presented);
    if (!teamId) return { ok: false, reason: 'unknown' };
    const hash = hashOf(presented);
    const key = (await this.document(teamId)).keys.find((k) => k.hash === hash);
    if (!key) return { ok: false, reason: 'unknown' };
    if (key.revoked_at) return { ok: false, reason: 'revoked' };
    await this.touch(teamId, key.id);
    return { ok: true, teamId, keyId: key.id };
  }

  private async touch(teamId: string, id: string): Promise<void> {
    const now = this.now();
    if (now - (this.written.get(id) ?? -Infinity) < LAST_USED_EVERY_MS) return;
    this.written.set(id, now);
    await this.deps.records.set({ teamId }, usedKey(id), new Date(now).toISOString(), LAST_USED_KEPT_MS);
  }

  /**
   * A place among the key's requests of the last minute, a sliding window shared by every
   * instance; past `perMinute`, how long until the oldest leaves it.
   */
  async admit(teamId: string, keyId: string): Promise<Admitted> {
    const now = this.now();
    const reserved = await this.deps.store.reserve(`api-rate:${teamId}:${keyId}`, this.deps.perMinute, 60_000, now, randomUUID());
    if (reserved.ok) return reserved;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((reserved.oldestAt + 60_000 - now) / 1000)) };
  }
}
