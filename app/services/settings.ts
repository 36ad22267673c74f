import { DEFAULT_RECIPIENT_DAYS } from '../domain/limits.js';
import type { FeedbackType } from '../domain/variants.js';
import type { Records } from '../store/store.js';

/** What a workspace's admins decide; every field has a default. */
export interface WorkspaceSettings {
  privacy_url?: string;
  display_name?: string;
  type: FeedbackType;
  question_variant_id: number;
  message: string;
  /** A regular expression with one capture group (or a group named `ticket`). */
  ticket_pattern?: string;
  /** Handles or ids that Twitter lets receive more than one request. */
  allowlist: string[];
  /** At most one request per customer in this many days. */
  recipient_days: number;
}

export type SettingsDefaults = Pick<WorkspaceSettings, 'message'> & Partial<WorkspaceSettings>;

/** A workspace's settings: what it saved over the deployment's defaults. */
export class SettingsSource {
  constructor(
    private readonly records: Records,
    private readonly defaults: SettingsDefaults,
  ) {}

  async forWorkspace(teamId: string): Promise<WorkspaceSettings> {
    const saved = (await this.records.get<Partial<WorkspaceSettings>>({ teamId }, 'settings')) ?? {};
    return {
      type: 'csat',
      question_variant_id: 0,
      allowlist: [],
      recipient_days: DEFAULT_RECIPIENT_DAYS,
      ...this.defaults,
      ...saved,
    };
  }

  async update(teamId: string, changes: Partial<WorkspaceSettings>): Promise<WorkspaceSettings> {
    const saved = (await this.records.get<Partial<WorkspaceSettings>>({ teamId }, 'settings')) ?? {};
    await this.records.set({ teamId }, 'settings', { ...saved, ...changes });
    return this.forWorkspace(teamId);
  }
}
