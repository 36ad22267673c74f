import test from 'ava';
import { questionText } from '../app/domain/variants.js';
import { openStore } from '../app/store/store.js';
import { BUSINESS, CUSTOMERS, Harness, OTHER_BUSINESS, OTHER_TOKENS, SECRETS } from './support/harness.js';
import { eventBody, slashCommandBody, viewSubmissionBody } from './support/slack-requests.js';

type Block = Record<string, any>;

const ACME = { teamId: 'T0ACME0001', botUserId: 'U0ACMEBOT1' };
const GLOBEX = { teamId: 'T0GLOBEX01', botUserId: 'U0GLOBEXB1' };

function preview(view: { blocks: Block[] }): string {
  return view.blocks.find((b) => b.block_id === 'preview')!.text.text;
}

test('two workspaces side by side: each installs, sends as its own account, and sees nothing of the other', async (t) => {
  const h = await Harness.start({ multiWorkspace: true });
  try {
    const acmeToken = await h.install(ACME.teamId, ACME.botUserId);
    const globexToken = await h.install(GLOBEX.teamId, GLOBEX.botUserId);
    t.not(acmeToken, globexToken);
    await h.connectAccount(ACME.teamId, BUSINESS, { access_token: SECRETS.accessToken, access_token_secret: SECRETS.accessTokenSecret });
    await h.connectAccount(GLOBEX.teamId, OTHER_BUSINESS, OTHER_TOKENS);

    const acme = await h.command('', { teamId: ACME.teamId });
    const globex = await h.command('', { teamId: GLOBEX.teamId });
    t.is(preview(acme.view), questionText('csat', 0, BUSINESS.name));
    t.is(preview(globex.view), questionText('csat', 0, OTHER_BUSINESS.name));
    const opens = h.slack.callsTo('views.open');
    t.deepEqual(opens.map((c) => c.team), [ACME.teamId, GLOBEX.teamId], 'each modal opened with its own workspace token');

    await h.post(viewSubmissionBody(globex.view, { teamId: GLOBEX.teamId, values: { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' } }));
    const [created] = await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');
    t.is(created.oauth.oauth_token, OTHER_TOKENS.access_token, 'Globex sends as Globex');

    // Acme's form, replayed as if from Globex, is not acted on.
    const forged = await h.post(viewSubmissionBody(acme.view, { teamId: GLOBEX.teamId, values: { to_user_id: CUSTOMERS.bigId.id_str, message: 'Hi' } }));
    t.regex(JSON.stringify(forged.json), /nothing was sent/);
    t.is(h.twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 1);
    // The customer limit is Globex's business with Jack; Acme may still ask him.
    await h.post(viewSubmissionBody(acme.view, { teamId: ACME.teamId, values: { to_user_id: CUSTOMERS.jack.id_str, message: 'Hi' } }));
    const both = await h.twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json', { count: 2 });
    t.is(both[1].oauth.oauth_token, SECRETS.accessToken);

    // Globex uninstalls: its installation and accounts go, Acme's stay.
    const gone = await h.post(eventBody({ type: 'app_uninstalled' }, GLOBEX.teamId), { headers: { 'content-type': 'application/json' } });
    t.is(gone.status, 200);
    // The event is acknowledged before it is handled: wait until Globex is refused.
    let status = 0;
    for (let tries = 0; tries < 600 && status !== 401; tries++) {
      status = (await h.post(slashCommandBody({ teamId: GLOBEX.teamId, responseUrl: h.slack.responseUrl({ teamId: GLOBEX.teamId }) }))).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.is(status, 401);
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
