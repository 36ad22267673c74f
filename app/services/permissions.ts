import type { WorkspaceSettings } from '../domain/workspace-settings.js';
import { ExpiringMap } from '../store/expiring-map.js';

/** What the app must ask Slack about people: answered per workspace. */
export interface Directory {
  isWorkspaceAdmin(memberId: string): Promise<boolean>;
  usergroupMembers(usergroupId: string): Promise<string[]>;
}

/** Workspace admins and owners, plus the people they named, run the app. */
export async function isAdmin(
  settings: Pick<WorkspaceSettings, 'admins'>,
  memberId: string,
  directory: Directory,
): Promise<boolean> {
  return settings.admins.includes(memberId) || directory.isWorkspaceAdmin(memberId);
}

/** Admins, plus the people and user groups admins named, read scores and comments; agents never do. */
export async function isSupervisor(
  settings: Pick<WorkspaceSettings, 'admins' | 'supervisors'>,
  memberId: string,
  directory: Directory,
): Promise<boolean> {
  return (await isListed(settings.supervisors, memberId, directory)) || isAdmin(settings, memberId, directory);
}

/** Everyone may send unless admins listed people or groups; admins always may. */
export async function maySend(
  settings: Pick<WorkspaceSettings, 'admins' | 'senders'>,
  memberId: string,
  directory: Directory,
): Promise<boolean> {
  const { senders } = settings;
  if (senders.mode === 'everyone' || (await isListed(senders, memberId, directory))) return true;
  return isAdmin(settings, memberId, directory);
}

/** Named in person, or through one of the user groups. */
async function isListed(
  listed: { users: string[]; usergroups: string[] },
  memberId: string,
  directory: Directory,
): Promise<boolean> {
  if (listed.users.includes(memberId)) return true;
  for (const group of listed.usergroups) {
    if ((await directory.usergroupMembers(group)).includes(memberId)) return true;
  }
  return false;
}

/** A change to a user group in Slack applies to who may send within this time. */
const GROUP_KEPT_MS = 60_000;
const GROUPS_KEPT_AT_MOST = 1_000;

/**
 * User groups' members, read from Slack once a minute per group instead of at every
 * check: who may send is checked at every step of a request, by every agent.
 */
export class GroupMembers {
  private readonly kept: ExpiringMap<Promise<string[]>>;

  constructor(now: () => number = Date.now) {
    this.kept = new ExpiringMap(GROUP_KEPT_MS, GROUPS_KEPT_AT_MOST, now);
  }

  /** `read` asks Slack; checks that arrive while it does wait for its answer, and a failure is not kept. */
  of(teamId: string, usergroupId: string, read: () => Promise<string[]>): Promise<string[]> {
    const key = `${teamId}:${usergroupId}`;
    const kept = this.kept.get(key);
    if (kept) return kept;
    const members = read();
    this.kept.set(key, members);
    members.catch(() => {
      if (this.kept.get(key) === members) this.kept.delete(key);
    });
    return members;
  }
}
