import test from 'ava';
import { checkResultsSettings } from '../../../app/domain/results-settings.js';

test('an empty form keeps supervisors to admins, turns alerts and the digest off, and keeps answers 400 days', (t) => {
  t.deepEqual(checkResultsSettings({}), {
    ok: true,
    value: { supervisors: { users: [], usergroups: [] }, alerts: undefined, digest: undefined, retention_days: 400 },
  });
});

test('with a channel, alerts take the thresholds chosen, or CSAT ≤ 2 and NPS ≤ 6', (t) => {
  t.like(checkResultsSettings({ alerts_channel: 'C0ALERTS01' }), {
    value: { alerts: { channel: 'C0ALERTS01', csat_at_most: 2, nps_at_most: 6 } },
  });
  t.like(checkResultsSettings({ alerts_channel: 'G0PRIVATE1', alerts_csat_at_most: '5', alerts_nps_at_most: '0' }), {
    value: { alerts: { channel: 'G0PRIVATE1', csat_at_most: 5, nps_at_most: 0 } },
  });
});

test('each value out of its range is refused on its own field', (t) => {
  const checked = checkResultsSettings({
    supervisors_usergroups: 'S0OK S0 leads',
    alerts_channel: 'D0DIRECT01',
    alerts_csat_at_most: '0',
    alerts_nps_at_most: '11',
    digest_channel: 'C0DIGEST01',
    digest_weekday: '7',
    digest_hour: '24',
    digest_time_zone: 'Paris',
    retention_days: '29',
  });
  t.false(checked.ok);
  t.deepEqual(Object.keys(!checked.ok ? checked.errors : {}).sort(), [
    'alerts_channel',
    'alerts_csat_at_most',
    'alerts_nps_at_most',
    'digest_hour',
    'digest_time_zone',
    'digest_weekday',
    'retention_days',
    'supervisors_usergroups',
  ]);
  for (const days of ['3651', '1.5', '-40', 'forever']) {
    t.like(
      checkResultsSettings({ retention_days: days }),
      { ok: false, errors: { retention_days: 'A whole number of days from 30 to 3,650.' } },
      days,
    );
  }
  for (const days of ['30', '3650', ' 90 ']) t.true(checkResultsSettings({ retention_days: days }).ok, days);
});

test('the digest’s time zone is any the runtime knows, with its capitals put right; none means UTC', (t) => {
  const zoneOf = (time_zone?: string) => {
    const checked = checkResultsSettings({ digest_channel: 'C0DIGEST01', digest_time_zone: time_zone });
    return checked.ok ? checked.value.digest?.time_zone : undefined;
  };
  t.is(zoneOf('america/new_york'), 'America/New_York');
  t.is(zoneOf('Asia/Kolkata'), 'Asia/Kolkata');
  t.is(zoneOf(undefined), 'UTC');
  t.is(zoneOf('Mars/Olympus'), undefined);
  t.like(checkResultsSettings({ digest_channel: 'C0DIGEST01' }), {
    value: { digest: { channel: 'C0DIGEST01', weekday: 1, hour: 9, time_zone: 'UTC' } },
  });
});
