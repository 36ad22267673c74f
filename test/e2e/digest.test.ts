import { once } from 'node:events';
import { loadConfig } from '../../app/config.js';
import { wallClock } from '../../app/domain/digest.js';
import { dayOf, ZERO } from '../../app/domain/results.js';
import { addToDay } from '../../app/services/day-counters.js';
import { SettingsSource } from '../../app/services/settings.js';
import { DEFAULTS } from '../simulators/slack.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';
import { appEnv, BUSINESS, BUSINESS_TOKENS, startSimulators } from '../support/harness.js';
import { eachBackend, openTestStore } from '../support/stores.js';
import { temporaryDir } from '../support/temporary.js';

const DIGEST = 'C0DIGEST01';

/**
 * A fixed-offset zone where it is about noon now, so that today is the digest's day there
 * until well after the test ends, whenever it runs.
 */
function zoneAtNoon(now: Date): string {
  const offset = 12 - now.getUTCHours();
  return offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

eachBackend((backend, test) => {
  test('two app instances on one store post the weekly digest once, with its chart and its numbers in words', async (t) => {
    const dir = temporaryDir(t, 'feedback-digest-');
    const { slack, twitter } = await startSimulators();
    slack.addChannel({ id: DIGEST, teamId: DEFAULTS.teamId, name: 'cs-weekly', members: [DEFAULTS.botUserId] });
    const env = appEnv(slack, twitter, await backend.shared());
    const store = await openTestStore(loadConfig(env).store);
    await store.accounts.add(
      { teamId: DEFAULTS.teamId },
      { user_id: BUSINESS.id_str, screen_name: BUSINESS.screen_name, name: BUSINESS.name, tokens: BUSINESS_TOKENS },
    );
    const now = new Date();
    const time_zone = zoneAtNoon(now);
    const clock = wallClock(now, time_zone)!;
    await new SettingsSource(store.records('settings'), {}).save(DEFAULTS.teamId, {
      digest: { channel: DIGEST, weekday: clock.weekday, hour: clock.hour - 1, time_zone },
    });
    const yesterday = dayOf(Date.parse(`${clock.date}T00:00:00Z`) - 24 * 60 * 60 * 1000);
    await addToDay(store, DEFAULTS.teamId, yesterday, {
      ...ZERO,
      sent: 4,
      sent_answered: 2,
      csat_answered: 2,
      csat_satisfied: 2,
      csat_sum: 9,
    });

    const instances: AppProcess[] = [];
    try {
      // Each instance looks for a due digest as it starts, so both race for it at once.
      instances.push(...(await Promise.all([startAppProcess(env, dir), startAppProcess(env, dir)])));
      const posted = await slack.waitForCall('chat.postMessage', (c) => c.args.channel === DIGEST);
      t.true(posted.response.ok as boolean, JSON.stringify(posted.response));
      const blocks = posted.args.blocks as Array<Record<string, any>>;
      const chart = blocks.find((b) => b.type === 'data_visualization');
      t.is(chart?.chart.type, 'line');
      t.deepEqual(
        chart?.chart.series.map((s: { name: string }) => s.name),
        ['CSAT % satisfied', 'Response rate %'],
      );
      const words = JSON.stringify(blocks);
      t.regex(words, /\*Requests sent:\* 4 \(0 the week before\)/);
      t.regex(words, /\*Response rate:\* 50%/);
      t.regex(words, /\*CSAT:\* 100% satisfied \(4–5\), mean 4.5 of 5, from 2 answers/);
    } finally {
      // A stopping instance finishes the work under way, its digest tick included.
      for (const app of instances) {
        app.child.kill('SIGTERM');
        await once(app.child, 'exit');
      }
    }
    t.is(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === DIGEST).length, 1);
    await store.close();
    await Promise.all([slack.close(), twitter.close()]);
  });
});
