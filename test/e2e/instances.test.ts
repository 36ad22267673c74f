import { once } from 'node:events';
import { loadConfig } from '../../app/config.js';
import { ACCOUNT_DAILY_LIMIT, DAY_MS } from '../../app/domain/limits.js';
import { workspaceId } from '../../app/domain/workspace.js';
import { DEFAULTS, type SimulatedView } from '../simulators/slack.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';
import { appEnv, BUSINESS, BUSINESS_TOKENS, CUSTOMERS, SECRETS, startSimulators } from '../support/harness.js';
import { postToApp, slashCommandBody, viewSubmissionBody, type AppResponse } from '../support/slack-requests.js';
import { eachBackend, openTestStore } from '../support/stores.js';
import { temporaryDir } from '../support/temporary.js';

type Block = Record<string, any>;

eachBackend((backend, test) => {
  test('two app instances on one store: simultaneous submissions to one customer send once, and the daily quota counts across both', async (t) => {
    const dir = temporaryDir(t, 'feedback-instances-');
    const { slack, twitter } = await startSimulators();
    const env = appEnv(slack, twitter, await backend.shared());
    const store = await openTestStore(loadConfig(env).store);
    await store.accounts.add(
      { teamId: DEFAULTS.teamId },
      { user_id: BUSINESS.id_str, screen_name: BUSINESS.screen_name, name: BUSINESS.name, tokens: BUSINESS_TOKENS },
    );
    const instances: AppProcess[] = [];
    try {
      instances.push(await startAppProcess(env, dir), await startAppProcess(env, dir));
      const form = async (app: AppProcess): Promise<SimulatedView> => {
        const since = slack.calls.length;
        await postToApp(
          app.url,
          SECRETS.signingSecret,
          slashCommandBody({ responseUrl: slack.responseUrl(), triggerId: slack.issueTriggerId() }),
        );
        return (await slack.waitForCall('views.open', (c) => c.seq >= since)).response.view as SimulatedView;
      };
      const submit = (app: AppProcess, view: SimulatedView, customer: string): Promise<AppResponse> =>
        postToApp(app.url, SECRETS.signingSecret, viewSubmissionBody(view, { values: { to_user_id: customer, message: 'Hi' } }));

      const views = [await form(instances[0]), await form(instances[1])];
      const answers = await Promise.all(instances.map((app, i) => submit(app, views[i], CUSTOMERS.jack.id_str)));
      t.deepEqual(answers.map((a) => (a.json as Block).response_action).sort(), ['errors', 'update']);
      await twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json');

      // The account's day is full but for one place: one instance takes it, the other is refused.
      const key = `send:account:${workspaceId({ teamId: DEFAULTS.teamId })}:${BUSINESS.id_str}`;
      for (let i = 0; i < ACCOUNT_DAILY_LIMIT - 2; i++)
        await store.reserve(key, ACCOUNT_DAILY_LIMIT, DAY_MS, Date.now(), `seeded-${i}`);
      const first = await submit(instances[0], await form(instances[0]), CUSTOMERS.bigId.id_str);
      t.is((first.json as Block).response_action, 'update');
      const second = await submit(instances[1], await form(instances[1]), CUSTOMERS.jill.id_str);
      t.regex(JSON.stringify(second.json), /1,000 feedback requests/);
      await twitter.waitForRequests((r) => r.path === '/1.1/feedback/create.json', { count: 2 });
      t.is(twitter.requests.filter((r) => r.path === '/1.1/feedback/create.json').length, 2);
    } finally {
      for (const app of instances) {
        app.child.kill('SIGTERM');
        await once(app.child, 'exit');
      }
      await store.close();
      await Promise.all([slack.close(), twitter.close()]);
    }
  });
});
