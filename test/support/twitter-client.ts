import type { ExecutionContext } from 'ava';
import { TwitterClient } from '../../app/twitter/client.js';
import type { TwitterResult, TwitterTokens } from '../../app/twitter/wire.js';
import { TwitterSimulator, type SimulatedUser } from '../simulators/twitter.js';

/** The app's Twitter client facing a simulator that knows one business and these users. */
export const CONSUMER = { key: 'consumer-key-1', secret: 'consumer-secret-5ec12e7' };
export const BUSINESS = { id_str: '1212121212121', screen_name: 'MyBusiness', name: 'My Business' };
export const TOKENS: TwitterTokens = {
  access_token: '1212121212121-access-token-7a0c3',
  access_token_secret: 'access-token-secret-9f1e4',
};

export interface ClientOptions {
  users?: SimulatedUser[];
  feedbackLimit?: number;
  timeoutMs?: number;
  /** Signs with another secret than the simulator knows. */
  consumerSecret?: string;
}

export async function clientAndSimulator(t: ExecutionContext, options: ClientOptions = {}) {
  const sim = await TwitterSimulator.start({
    consumers: { [CONSUMER.key]: CONSUMER.secret },
    tokens: { [TOKENS.access_token]: { secret: TOKENS.access_token_secret, user: BUSINESS.id_str } },
    users: [BUSINESS, ...(options.users ?? [])],
    feedbackLimit: options.feedbackLimit,
  });
  t.teardown(() => sim.close());
  const client = new TwitterClient({
    apiUrl: sim.url,
    consumerKey: CONSUMER.key,
    consumerSecret: options.consumerSecret ?? CONSUMER.secret,
    timeoutMs: options.timeoutMs,
  });
  return { sim, client };
}

/** A refusal's status, codes and reset time; any other answer fails the test. */
export function refusal<T>(t: ExecutionContext, result: TwitterResult<T>): { status: number; codes: number[]; resetAt?: Date } {
  if (result.ok || result.failure.kind !== 'refused') {
    t.fail(`expected a refusal, got ${JSON.stringify(result)}`);
    return { status: 0, codes: [] };
  }
  const { status, errors, resetAt } = result.failure;
  return { status, codes: errors.map((e) => e.code), resetAt };
}
