import KeyvRedis, { createClient, defaultReconnectStrategy } from '@keyv/redis';
import Keyv from 'keyv';
import { reachable, reason, type Backend } from './backend.js';

// Record keys begin with their namespace, a lower-case letter, so these never meet one.
const CLAIM = '_claim:';
const RESERVED_AT = '_reserved-at:';
const KEPT_UNTIL = '_kept-until:';
const MARKS = '_marks:';
const COUNTERS = '_counters:';
const SCHEDULE = '_schedule:';

// Taking and moving are one step, as Redis runs a script alone.
// KEYS: the schedule. ARGV: now, how many at most, until when the taken are held.
const TAKE_DUE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[3], member)
end
return due
`;

// Redis runs a script alone, so counting and adding are one step. Each reservation is kept
// until the end of the window it was made in, as SQLite keeps it, and not until the end of
// a later caller's: a window may be shorter the next time, and a release must still find it.
// KEYS: when each reservation of the key was made; until when each is kept.
// ARGV: id, now, the window's start (not included), limit, until when to keep this one, the present.
const RESERVE = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[6], 'LIMIT', 0, 100)
if #gone > 0 then
  redis.call('ZREM', KEYS[1], unpack(gone))
  redis.call('ZREM', KEYS[2], unpack(gone))
end
local filling = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', '(' .. ARGV[3], 'WITHSCORES', 'LIMIT', tonumber(ARGV[4]) - 1, 1)
if #filling > 0 then
  return filling[2]
end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return redis.error_reply('the reservation ' .. ARGV[1] .. ' is already held')
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2]
redis.call('PEXPIREAT', KEYS[1], last)
redis.call('PEXPIREAT', KEYS[2], last)
return false
`;

export async function openRedis(url: string): Promise<Backend> {
  let opened = false;
  let client: ReturnType<typeof createClient>;
  try {
    client = createClient({
      url,
      // A server that cannot be reached at start is a mistake to report at once; one lost
      // later is waited for, commands queued meanwhile.
      socket: { reconnectStrategy: (retries, cause) => (opened ? defaultReconnectStrategy(retries) : new Error(reason(cause))) },
    });
    await client.connect();
    opened = true;
  } catch (error) {
    // The message of a connection error names the host, never the password; the error
    // itself is left out, as one from parsing the URL carries all of it.
    throw new Error(`Cannot open the Redis store of STORE_URL: ${reason(error)}`);
  }

  const adapter = new KeyvRedis(client, { throwOnErrors: true });
  const keyv = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });

  return {
    keyv,
    // @keyv/redis sets each record's time to live on its key (PX), as claim and reserve do.
    sweep: async () => undefined,
    async claim(key, ttlMs) {
      const set = await client.set(CLAIM + key, '1', { condition: 'NX', expiration: { type: 'PX', value: Math.ceil(ttlMs) } });
      return set === 'OK';
    },
    async unclaim(key) {
      await client.del(CLAIM + key);
    },
    async reserve(key, limit, windowMs, now, id) {
      const oldestAt = await client.eval(RESERVE, {
        keys: [RESERVED_AT + key, KEPT_UNTIL + key],
        arguments: [
          id,
          String(now),
          String(now - windowMs),
          String(limit),
          String(Math.ceil(now + windowMs)),
          String(Date.now()),
        ],
      });
      return oldestAt === null ? { ok: true } : { ok: false, oldestAt: Number(oldestAt) };
    },
    async release(key, id) {
      const [removed] = await client
        .multi()
        .zRem(RESERVED_AT + key, id)
        .zRem(KEPT_UNTIL + key, id)
        .execTyped();
      return removed === 1;
    },
    async mark(set, member) {
      await client.sAdd(MARKS + set, member);
    },
    async unmark(set, member) {
      await client.sRem(MARKS + set, member);
    },
    async members(set) {
      // In order, as the SQL stores answer.
      return (await client.sMembers(MARKS + set)).sort();
    },
    async increment(key, deltas) {
      const fields = Object.entries(deltas);
      if (fields.length === 0) return;
      // MULTI runs the additions together: no other client's command comes in between.
      const multi = client.multi();
      for (const [field, value] of fields) multi.hIncrBy(COUNTERS + key, field, value);
      await multi.execTyped();
    },
    async counters(keys) {
      if (keys.length === 0) return [];
      const multi = client.multi();
      for (const key of keys) multi.hGetAll(COUNTERS + key);
      const replies = (await multi.execTyped()) as unknown as Array<Record<string, string>>;
      return replies.map((fields) => Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, Number(value)])));
    },
    async schedule(set, member, at) {
      await client.zAdd(SCHEDULE + set, { score: at, value: member });
    },
    async takeDue(set, now, limit, holdMs) {
      return (await client.eval(TAKE_DUE, {
        keys: [SCHEDULE + set],
        arguments: [String(now), String(limit), String(now + holdMs)],
      })) as string[];
    },
    async unschedule(set, member) {
      await client.zRem(SCHEDULE + set, member);
    },
    ping: () => reachable(() => client.ping()),
    async close() {
      // Waits for the replies to what was sent, but not for a server that went away.
      if (client.isReady) await client.close();
      else if (client.isOpen) client.destroy();
    },
  };
}
