import test from 'ava';
import { readAutomatic } from '../../../app/domain/automatic-request.js';
import { checkPolicy, isExcluded, sampledIn } from '../../../app/domain/sending-policy.js';
import { SETTINGS_DEFAULTS } from '../../../app/domain/workspace-settings.js';

test('sampling decides the same way for the same customer and ticket, whatever the handle’s case', (t) => {
  for (let i = 0; i < 50; i++) {
    const first = sampledIn(37, 'T1', `@customer${i}`, `T-${i}`);
    t.is(sampledIn(37, 'T1', `@Customer${i}`, `T-${i}`), first);
    t.is(sampledIn(37, 'T1', `customer${i}`, `T-${i}`), first);
  }
  t.true(sampledIn(100, 'T1', '@jack', undefined));
  t.false(sampledIn(0, 'T1', '@jack', undefined));
});

test('sampling asks about the chosen share of customer–ticket pairs', (t) => {
  const asked = Array.from({ length: 10_000 }, (_, i) => sampledIn(30, 'T1', String(1000 + i), 'ticket')).filter(Boolean);
  t.true(asked.length > 2_800 && asked.length < 3_200, `${asked.length} of 10,000`);
});

test('exclusions match handles in any case and ids exactly', (t) => {
  const excluded = ['@Jack', '909090909090'];
  t.true(isExcluded(excluded, { handle: 'jack' }));
  t.true(isExcluded(excluded, { handle: '@JACK' }));
  t.true(isExcluded(excluded, { id: '909090909090' }));
  t.false(isExcluded(excluded, { id: '90909090909' }));
  t.false(isExcluded(excluded, { handle: 'jill' }));
});

test('the policy form’s rules', (t) => {
  t.deepEqual(checkPolicy({ delay_minutes: '0', sampling_percent: '100', excluded: '@jack, 123\n@jill', test_mode: true }), {
    ok: true,
    value: { delay_minutes: 0, sampling_percent: 100, excluded: ['@jack', '123', '@jill'], test_mode: true },
  });
  const refused = checkPolicy({ delay_minutes: '1.5', sampling_percent: '', excluded: 'not a handle!' });
  t.deepEqual(Object.keys(refused.ok ? {} : refused.errors).sort(), ['delay_minutes', 'excluded', 'sampling_percent']);
  t.false(checkPolicy({ delay_minutes: '43201', sampling_percent: '50' }).ok);
});

test('an automatic request takes the workspace defaults under what it gives, and test mode makes it a test', (t) => {
  const settings = { ...SETTINGS_DEFAULTS, privacy_url: 'https://acme.example/privacy', question_variant_id: 30 };
  const now = Date.parse('2025-05-01T09:00:00Z');
  const read = readAutomatic({ customer: '@jack', external_id: 5555, type: 'nps' }, settings, now);
  if (!read.ok) throw new Error(JSON.stringify(read.errors));
  t.is(read.value.draft.question_variant_id, '0', 'the default question belongs to the default survey only');
  t.is(read.value.external_id, '5555');
  t.is(read.value.dueAt, now + 60 * 60_000);
  const testing = readAutomatic(
    { customer: '1234', send_after: '2025-04-01T00:00:00Z' },
    { ...settings, policy: { ...settings.policy, test_mode: true } },
    now,
  );
  t.like(testing, { ok: true, value: { dueAt: now, draft: { test: true, question_variant_id: '30' } } });
  t.like(readAutomatic({ customer: '1234', test: 'yes', send_after: -1 }, settings, now), {
    ok: false,
    errors: { test: 'Must be true or false.' },
  });
  t.like(readAutomatic(null, settings, now), {
    ok: false,
    errors: { customer: 'Enter the customer: a numeric Twitter user id or an @handle.' },
  });
});
