import { type WindowDays } from '../domain/results.js';
import type { Records } from '../store/store.js';

export type HomePage = 'home' | 'results';

/** Which page of App Home a person last chose, and Results' window. */
export interface Shown {
  page: HomePage;
  window: WindowDays;
}

const DEFAULT: Shown = { page: 'home', window: 30 };

/**
 * What each person last chose in App Home, so that the tab opens where they left it and a redraw after a save
 * or a connected account keeps them there. What they may see is checked again at every draw.
 */
export class HomePages {
  constructor(private readonly records: Records) {}

  async shown(teamId: string, userId: string): Promise<Shown> {
    return { ...DEFAULT, ...(await this.records.get<Partial<Shown>>({ teamId }, userId)) };
  }

  async show(teamId: string, userId: string, change: Partial<Shown>): Promise<Shown> {
    const shown = { ...(await this.shown(teamId, userId)), ...change };
    await this.records.set({ teamId }, userId, shown);
    return shown;
  }
}
