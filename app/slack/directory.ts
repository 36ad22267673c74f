import type { WebClient } from '@slack/web-api';
import type { Directory, GroupMembers } from '../services/permissions.js';

/** Slack's own answers about people, through the workspace's authorized client. */
export function slackDirectory(client: WebClient, teamId: string, groups: GroupMembers): Directory {
  return {
    async isWorkspaceAdmin(userId) {
      const { user } = await client.users.info({ user: userId });
      return Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
    },
    usergroupMembers(usergroupId) {
      return groups.of(teamId, usergroupId, async () => {
        const answer = await client.usergroups.users.list({ usergroup: usergroupId });
        return answer.users ?? [];
      });
    },
  };
}
