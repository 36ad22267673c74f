import type { WorkspaceSettings } from '../domain/workspace-settings.js';

/** What the app must ask Slack about people: answered per workspace. */
export interface Directory {
  isWorkspaceAdmin(userId: string): Promise<boolean>;
  usergroupMembers(usergroupId: string): Promise<string[]>;
}

/** Workspace admins and owners, plus the people they named, run the app. */
export async function isAdmin(settings: Pick<WorkspaceSettings, 'admins'>, userId: string, directory: Directory): Promise<boolean> {
  return settings.admins.includes(userId) || directory.isWorkspaceAdmin(userId);
}

/** Everyone may send unless admins listed people or groups; admins always may. */
export async function maySend(settings: Pick<WorkspaceSettings, 'admins' | 'senders'>, userId: string, directory: Directory): Promise<boolean> {
  const { senders } = settings;
  if (senders.mode === 'everyone' || senders.users.includes(userId)) return true;
  for (const group of senders.usergroups) {
    if ((await directory.usergroupMembers(group)).includes(userId)) return true;
  }
  return isAdmin(settings, userId, directory);
}
