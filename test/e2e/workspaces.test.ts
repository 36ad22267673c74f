import test from 'ava';
import { questionText } from '../../app/domain/variants.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS } from '../simulators/slack.js';
import { BUSINESS, CUSTOMERS, Harness, OTHER_BUSINESS, OTHER_TOKENS, SECRETS } from '../support/harness.js';
import { blockActionsBody, eventBody, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';

type Block = Record<string, any>;

const ACME = { teamId: 'T0ACME0001', botUserId: 'U0ACMEBOT1' };
const GLOBEX = { teamId: 'T0GLOBEX01', botUserId: 'U0GLOBEXB1' };

function preview(view: { blocks: Block[] }): string {
  return view.blocks.find((b) => b.block_id === 'preview')!.text.text;
}

/** Events are acknowledged before they are handled: the status /feedback gets once the workspace is refused (or after trying a while). */
async function refusedSoon(h: Harness, teamId: string): Promise<number> {
  let status = 0;
  for (let tries = 0; tries < 600 && status !== 401; tries++) {
    status = (await h.post(slashCommandBody({ teamId, responseUrl: h.slack.responseUrl({ teamId }) }))).status;
    if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return status;
}

test('two workspaces side by side: each installs, sends as its own account, and sees nothing of the other', async (t) => {
  const h = await Harness.start({ multiWorkspace: true });
  try {
    const acmeToken = await h.install(ACME.teamId, ACME.botUserId);
    const globexToken = await h.install(GLOBEX.teamId, GLOBEX.botUserId);
    t.not(acmeToken, globexToken);
    await h.connectAccount(ACME.teamId, BUSINESS, {
      access_token: SECRETS.accessToken,
      access_token_secret: SECRETS.accessTokenSecret,
    });
    await h.connectAccount(GLOBEX.teamId, OTHER_BUSINESS, OTHER_TOKENS);

    const acme = await h.command('', { teamId: ACME.teamId });
    const globex = await h.command('', { teamId: GLOBEX.teamId });
    t.is(preview(acme.view), questionText('csat', 0, BUSINESS.name));
    t.is(preview(globex.view), questionText('csat', 0, OTHER_BUSINESS.name));
    const opens = h.slack.callsTo('views.open');
    t.deepEqual(
      opens.map((c) => c.team),
      [ACME.teamId, GLOBEX.teamId],
      'each modal opened with its own workspace token',
    );

    await h.post(
      viewSubmissionBody(globex.view, { teamId: GLOBEX.teamId, values: { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' } }),
    );
    const [created] = await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
    t.is(created.oauth.oauth_token, OTHER_TOKENS.access_token, 'Globex sends as Globex');

    // Acme's form, replayed as if from Globex, is not acted on.
    const forged = await h.post(
      viewSubmissionBody(acme.view, { teamId: GLOBEX.teamId, values: { to_user_id: CUSTOMERS.bigId.id_str, message: 'Hi' } }),
    );
    t.regex(JSON.stringify(forged.json), /nothing was sent/);
    t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 1);
    // The customer limit is Globex's business with Jack; Acme may still ask him.
    await h.post(
      viewSubmissionBody(acme.view, { teamId: ACME.teamId, values: { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' } }),
    );
    const both = await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json', { count: 2 });
    t.is(both[1].oauth.oauth_token, SECRETS.accessToken);

    // Globex uninstalls: its installation and accounts go, Acme's stay.
    const gone = await h.post(eventBody({ type: 'app_uninstalled' }, GLOBEX.teamId), {
      headers: { 'content-type': 'application/json' },
    });
    t.is(gone.status, 200);
    t.is(await refusedSoon(h, GLOBEX.teamId), 401);
    const store = await openStore(h.config.store);
    t.deepEqual(await store.accounts.list({ teamId: GLOBEX.teamId }), []);
    t.is((await store.accounts.list({ teamId: ACME.teamId })).length, 1);
    await store.close();
    const again = await h.command('', { teamId: ACME.teamId });
    t.is(preview(again.view), questionText('csat', 0, BUSINESS.name));
  } finally {
    await h.close();
  }
});

test('with one bot token, a well-signed request from another workspace is refused and the token never used for it', async (t) => {
  const h = await Harness.start({ tokens: 'env' });
  let closed = false;
  try {
    const stranger = 'T0STRANGER';
    const { view } = await h.command();
    const since = h.slack.calls.length;

    const command = await h.post(
      slashCommandBody({
        teamId: stranger,
        responseUrl: h.slack.responseUrl({ teamId: stranger }),
        triggerId: h.slack.issueTriggerId({ teamId: stranger }),
      }),
    );
    t.is(command.status, 200);
    t.regex(JSON.stringify(command.json), /installed for another Slack workspace/);
    // A form made out to the other workspace, as its own would be; and one that says it was opened here.
    const metadata = JSON.stringify({ ...JSON.parse(view.private_metadata ?? '{}'), team_id: stranger });
    const theirs = { ...view, team_id: stranger, app_installed_team_id: stranger, private_metadata: metadata };
    const opened = { ...view, private_metadata: metadata };
    for (const form of [theirs, opened]) {
      const submitted = await h.post(
        viewSubmissionBody(form, { teamId: stranger, values: { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' } }),
      );
      t.is(submitted.status, 200);
      t.is(submitted.text, '');
    }
    const changed = await h.post(blockActionsBody(theirs, { teamId: stranger, blockId: 'type', value: 'nps' }));
    t.is(changed.status, 200);
    const home = await h.post(
      eventBody({ type: 'app_home_opened', user: DEFAULTS.userId, channel: 'D0HOME', tab: 'home' }, stranger),
      {
        headers: { 'content-type': 'application/json' },
      },
    );
    t.is(home.status, 200);

    // Stopping waits for every listener still at work.
    await h.close();
    closed = true;
    t.deepEqual(
      h.slack.calls.slice(since).map((c) => c.method),
      [],
    );
    t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 0);
  } finally {
    if (!closed) await h.close();
  }
});

test('a revoked bot token stops the app in its workspace until it is installed again; its accounts and settings stay', async (t) => {
  const h = await Harness.start({ multiWorkspace: true });
  try {
    await h.install(ACME.teamId, ACME.botUserId);
    await h.connectAccount(ACME.teamId, BUSINESS, {
      access_token: SECRETS.accessToken,
      access_token_secret: SECRETS.accessTokenSecret,
    });
    const store = await openStore(h.config.store);
    const settings = { display_name: 'Acme Care' };
    await store.records('settings').set({ teamId: ACME.teamId }, 'settings', settings);
    const json = { headers: { 'content-type': 'application/json' } };

    // Revoked user tokens: the app holds none, so nothing changes.
    t.is((await h.post(eventBody({ type: 'tokens_revoked', tokens: { oauth: ['U0SOMEONE1'] } }, ACME.teamId), json)).status, 200);
    t.is(preview((await h.command('', { teamId: ACME.teamId })).view), questionText('csat', 0, 'Acme Care'));

    t.is((await h.post(eventBody({ type: 'tokens_revoked', tokens: { bot: [ACME.botUserId] } }, ACME.teamId), json)).status, 200);
    t.is(await refusedSoon(h, ACME.teamId), 401);
    t.is((await store.accounts.list({ teamId: ACME.teamId })).length, 1);
    t.deepEqual(await store.records('settings').get({ teamId: ACME.teamId }, 'settings'), settings);
    await store.close();

    await h.install(ACME.teamId, ACME.botUserId);
    t.is(preview((await h.command('', { teamId: ACME.teamId })).view), questionText('csat', 0, 'Acme Care'));
  } finally {
    await h.close();
  }
});
