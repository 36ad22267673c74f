import test from 'ava';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../../app/config.js';
import { openConfiguredStore } from '../../../app/services/open-store.js';

const encryptionKey = randomBytes(32);

test('a STORE_URL the store cannot use stops start-up like any other wrong setting, without its password', async (t) => {
  for (const storeUrl of ['mysql://app:hunter2@db/feedback', 'data/feedback.sqlite', 'sqlite://']) {
    const error = await t.throwsAsync(openConfiguredStore({ storeUrl, encryptionKey }), { instanceOf: ConfigError });
    t.regex(error!.message, /^Cannot start: STORE_URL /);
    t.false(error!.message.includes('hunter2'));
  }
});

test('a store that is there opens', async (t) => {
  const store = await openConfiguredStore({ storeUrl: 'sqlite://:memory:', encryptionKey });
  t.true(await store.ping());
  await store.close();
});
