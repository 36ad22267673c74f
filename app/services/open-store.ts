import { ConfigError, type StoreConfig } from '../config.js';
import { openStore, StoreUrlError, type Store } from '../store/store.js';

/**
 * Opens the configured store. A STORE_URL it cannot use is told like every other wrong
 * setting, so the app and the accounts command stop with the same message and status.
 */
export async function openConfiguredStore(config: StoreConfig): Promise<Store> {
  try {
    return await openStore(config);
  } catch (error) {
    if (error instanceof StoreUrlError) throw new ConfigError([error.message]);
    throw error;
  }
}
