import test from 'ava';
import { DEFAULT_MESSAGE, SETTINGS_DEFAULTS } from '../../../app/domain/workspace-settings.js';
import { SettingsSource } from '../../../app/services/settings.js';
import type { Records } from '../../../app/store/store.js';

function memoryRecords(): Records {
  const saved = new Map<string, unknown>();
  const key = (teamId: string, name: string) => `${teamId}:${name}`;
  return {
    get: async <T>({ teamId }: { teamId: string }, name: string) => saved.get(key(teamId, name)) as T | undefined,
    set: async ({ teamId }, name, value) => void saved.set(key(teamId, name), value),
    delete: async ({ teamId }, name) => saved.delete(key(teamId, name)),
  };
}

test('a workspace that saved nothing gets the app’s DM text and the deployment’s privacy URL', async (t) => {
  const source = new SettingsSource(memoryRecords(), { privacy_url: 'https://example.com/privacy' });
  const settings = await source.forWorkspace('T1');
  t.is(settings.message, DEFAULT_MESSAGE);
  t.is(settings.privacy_url, 'https://example.com/privacy');
  t.is(settings.type, SETTINGS_DEFAULTS.type);
});

test('what a workspace saved wins over every default, and stays in that workspace', async (t) => {
  const source = new SettingsSource(memoryRecords(), { privacy_url: 'https://example.com/privacy', display_name: undefined });
  await source.save('T1', { ...SETTINGS_DEFAULTS, message: 'Tell us how we did', privacy_url: 'https://t1.example/privacy' });
  t.like(await source.forWorkspace('T1'), { message: 'Tell us how we did', privacy_url: 'https://t1.example/privacy' });
  t.like(await source.forWorkspace('T2'), { message: DEFAULT_MESSAGE, privacy_url: 'https://example.com/privacy' });
});

test('each form saves its own settings and keeps what the others saved', async (t) => {
  const source = new SettingsSource(memoryRecords(), {});
  const alerts = { channel: 'C1', csat_at_most: 2, nps_at_most: 6 };
  await source.save('T1', { alerts, retention_days: 90 });
  await source.save('T1', { message: 'Tell us how we did' });
  t.like(await source.forWorkspace('T1'), { alerts, retention_days: 90, message: 'Tell us how we did' });
  t.deepEqual((await source.forWorkspace('T1')).policy, SETTINGS_DEFAULTS.policy);
});
