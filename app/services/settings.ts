import { SETTINGS_DEFAULTS, type WorkspaceSettings } from '../domain/workspace-settings.js';
import type { Records } from '../store/store.js';

export type { WorkspaceSettings } from '../domain/workspace-settings.js';

/** A workspace's settings: what its admins saved over the deployment's defaults, and those over the app's. */
export class SettingsSource {
  constructor(
    private readonly records: Records,
    private readonly defaults: Partial<WorkspaceSettings>,
  ) {}

  async forWorkspace(teamId: string): Promise<WorkspaceSettings> {
    const saved = (await this.records.get<Partial<WorkspaceSettings>>({ teamId }, 'settings')) ?? {};
    const defined = Object.fromEntries(Object.entries(this.defaults).filter(([, v]) => v !== undefined));
    return { ...SETTINGS_DEFAULTS, ...defined, ...saved } as WorkspaceSettings;
  }

  /**
   * Takes effect at once: every form and check reads settings when it runs. Only the
   * settings given change: each form saves its own, and keeps the others'.
   */
  async save(teamId: string, changes: Partial<WorkspaceSettings>): Promise<void> {
    const saved = (await this.records.get<Partial<WorkspaceSettings>>({ teamId }, 'settings')) ?? {};
    await this.records.set({ teamId }, 'settings', { ...saved, ...changes });
  }
}
