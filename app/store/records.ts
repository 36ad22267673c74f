import type { Workspace } from '../domain/workspace.js';

/** One repository's records, always filed under a workspace: no call can reach another workspace's. */
export interface Records {
  get<T>(workspace: Workspace, key: string): Promise<T | undefined>;
  /** `ttlMs` set: the record is gone once that many milliseconds have passed. */
  set<T>(workspace: Workspace, key: string, value: T, ttlMs?: number): Promise<void>;
  delete(workspace: Workspace, key: string): Promise<boolean>;
}
