import test from 'ava';
import { WebClient } from '@slack/web-api';
import { GroupMembers } from '../../app/services/permissions.js';
import { slackDirectory } from '../../app/slack/directory.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS, SlackSimulator } from '../simulators/slack.js';
import { CUSTOMERS, Harness } from '../support/harness.js';

const GROUPS = ['S0SUPPORT1', 'S0SUPPORT2'];

test('a command and its submission ask Slack once per listed user group', async (t) => {
  const h = await Harness.start();
  try {
    h.slack.addUsergroup(GROUPS[0], DEFAULTS.teamId, ['U0SOMEONE1']);
    h.slack.addUsergroup(GROUPS[1], DEFAULTS.teamId, [DEFAULTS.userId]);
    const store = await openStore(h.config.store);
    await store
      .records('settings')
      .set({ teamId: DEFAULTS.teamId }, 'settings', { senders: { mode: 'listed', users: [], usergroups: GROUPS } });
    await store.close();

    const { view } = await h.command();
    t.is(view.callback_id, 'feedback');
    const answer = await h.submit(view, { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' });
    t.regex(JSON.stringify(answer.json), /Sending/);
    await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
    t.deepEqual(
      h.slack
        .callsTo('usergroups.users.list')
        .map((c) => c.args.usergroup)
        .sort(),
      GROUPS,
    );
  } finally {
    await h.close();
  }
});

test('a change to a user group shows once the members read before have expired; a failed read is not kept', async (t) => {
  const slack = await SlackSimulator.start();
  t.teardown(() => slack.close());
  let now = 1_000_000;
  const groups = new GroupMembers(() => now);
  const client = new WebClient(DEFAULTS.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const directory = slackDirectory(client, DEFAULTS.teamId, groups);
  const asked = () => slack.callsTo('usergroups.users.list').length;

  slack.addUsergroup(GROUPS[0], DEFAULTS.teamId, ['U0AGENT001']);
  t.deepEqual(await directory.usergroupMembers(GROUPS[0]), ['U0AGENT001']);
  slack.addUsergroup(GROUPS[0], DEFAULTS.teamId, ['U0AGENT002']);
  now += 59_999;
  t.deepEqual(await directory.usergroupMembers(GROUPS[0]), ['U0AGENT001'], 'as Slack said a moment ago');
  t.is(asked(), 1);
  now += 1;
  t.deepEqual(await directory.usergroupMembers(GROUPS[0]), ['U0AGENT002']);
  t.is(asked(), 2);

  // Another workspace's answer about the same id is never this one's.
  await slackDirectory(client, 'T0OTHERTM1', groups).usergroupMembers(GROUPS[0]);
  t.is(asked(), 3);
  slack.failNext('usergroups.users.list', 'internal_error');
  await t.throwsAsync(directory.usergroupMembers(GROUPS[1]));
  slack.addUsergroup(GROUPS[1], DEFAULTS.teamId, ['U0AGENT003']);
  t.deepEqual(await directory.usergroupMembers(GROUPS[1]), ['U0AGENT003']);
});
