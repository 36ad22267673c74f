/** A Slack workspace, named by its team id alone: see workspaceOf. */
export interface Workspace {
  teamId: string;
}

const SLACK_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The workspace whose records a Slack request, an uninstall or the accounts command
 * means, from the ids it names. Team ids are unique across Slack, Enterprise Grid
 * organisations included, and every request in a workspace names its team, while not
 * every one names the organisation: so the organisation takes no part, and whoever
 * files a workspace's records and whoever reads or deletes them find the same ones.
 */
export function workspaceOf(ids: { teamId?: string | null; enterpriseId?: string | null }): Workspace {
  const workspace = { teamId: ids.teamId ?? '' };
  workspaceId(workspace);
  return workspace;
}

/**
 * The one string a workspace's records are filed under. Slack ids never hold '/' or
 * ':', so no id can produce a string that reaches into another workspace's keys.
 */
export function workspaceId(workspace: Workspace): string {
  const { teamId } = workspace;
  if (typeof teamId !== 'string' || !SLACK_ID.test(teamId)) {
    throw new Error(`Not a Slack team id: ${JSON.stringify(teamId)}`);
  }
  return teamId;
}
