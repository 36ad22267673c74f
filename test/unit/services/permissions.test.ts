import test from 'ava';
import { SETTINGS_DEFAULTS } from '../../../app/domain/workspace-settings.js';
import { isSupervisor, type Directory } from '../../../app/services/permissions.js';

const directory: Directory = {
  isWorkspaceAdmin: async (memberId) => memberId === 'UOWNER',
  usergroupMembers: async (group) => (group === 'SLEADS' ? ['ULEAD'] : []),
};

test('supervisors are the named people, the named groups’ members and every admin; nobody else', async (t) => {
  const settings = {
    ...SETTINGS_DEFAULTS,
    admins: ['UADMIN'],
    supervisors: { users: ['USUP'], usergroups: ['SLEADS'] },
  };
  for (const member of ['USUP', 'ULEAD', 'UADMIN', 'UOWNER']) t.true(await isSupervisor(settings, member, directory), member);
  t.false(await isSupervisor(settings, 'UAGENT', directory));
  t.false(await isSupervisor(SETTINGS_DEFAULTS, 'USUP', directory));
});
