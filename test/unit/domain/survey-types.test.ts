import test from 'ava';
import {
  FEEDBACK_TYPES,
  PLACEHOLDER,
  SURVEY_TYPES,
  type FeedbackType,
  type SurveyType,
} from '../../../app/domain/survey-types.js';

type Block = Record<string, any>;

// A survey Twitter does not offer, registered before any surface loads: a surface that
// lists the types itself, instead of reading the registry, leaves it out and fails here.
const EXTRA = 'ces' as FeedbackType;
const extra: SurveyType = {
  id: EXTRA,
  label: 'CES',
  measures: 'customer effort',
  scale: { min: 1, max: 7 },
  variants: [
    { id: 0, text: `How easy was it to deal with ${PLACEHOLDER}?` },
    { id: 1, text: `${PLACEHOLDER} made it easy to handle my issue.` },
  ],
  score: () => undefined,
};
(SURVEY_TYPES as Record<string, SurveyType>)[EXTRA] = extra;
FEEDBACK_TYPES.push(EXTRA);

const { checkDraft } = await import('../../../app/domain/feedback-request.js');
const { parseCommand, USAGE } = await import('../../../app/domain/command-args.js');
const { checkSettings, SETTINGS_DEFAULTS } = await import('../../../app/domain/workspace-settings.js');
const { PREVIEW_ACTIONS, questionActionId } = await import('../../../app/slack/ids.js');
const { feedbackModal } = await import('../../../app/slack/user-interface/feedback-modal.js');
const { settingsModal } = await import('../../../app/slack/user-interface/settings-modal.js');
const { homeView } = await import('../../../app/slack/user-interface/app-home.js');

const draft = {
  to_user_id: '343434343434',
  message: 'Thanks for talking to us!',
  privacy_url: 'https://mybusiness.example/privacy',
};
const settings = { ...SETTINGS_DEFAULTS, message: 'Thanks!' };

function block(view: { blocks: unknown[] }, blockId: string): Block {
  const found = view.blocks.find((b) => (b as Block).block_id === blockId);
  if (!found) throw new Error(`no block ${blockId}`);
  return found as Block;
}

function optionValues(element: Block): string[] {
  return (element.options as Block[]).map((o) => o.value);
}

for (const type of [...FEEDBACK_TYPES]) {
  const { label, variants } = SURVEY_TYPES[type];
  const last = variants.length - 1;

  test(`${type}: the feedback form offers it, with each of its questions`, (t) => {
    const modal = feedbackModal({ type, question_variant_id: last, test: false }, { team_id: 'T1', business_name: 'Acme' });
    t.true(optionValues(block(modal, 'type').element).includes(type));
    const questions = block(modal, 'question_variant_id').element;
    t.deepEqual(
      optionValues(questions),
      variants.map((v) => String(v.id)),
    );
    t.is(questions.initial_option.value, String(last));
    t.regex(questions.action_id, PREVIEW_ACTIONS);
    t.is(questions.action_id, questionActionId(type));
  });

  test(`${type}: the settings offer it as the default survey, and take its last question`, (t) => {
    const modal = settingsModal({ ...settings, type });
    const types = block(modal, 'type').element;
    t.true(optionValues(types).includes(type));
    t.is(types.initial_option.value, type);
    t.true(block(modal, 'question_variant_id').hint.text.includes(`${label} 0–${last}`));
    t.true(checkSettings({ type, question_variant_id: String(last), message: 'Thanks!' }).ok);
    t.false(checkSettings({ type, question_variant_id: String(last + 1), message: 'Thanks!' }).ok);
  });

  test(`${type}: /feedback ${type} fills in the type, in any case`, (t) => {
    t.true(USAGE.includes(`\`${type}\``));
    t.deepEqual(parseCommand(`${type} @jack`), { kind: 'prefill', draft: { type, to_user_id: '@jack' } });
    t.deepEqual(parseCommand(`@jack ${type.toUpperCase()}`), { kind: 'prefill', draft: { to_user_id: '@jack', type } });
  });

  test(`${type}: the checks accept each of its questions and refuse one past the last`, (t) => {
    for (const { id } of variants) t.true(checkDraft({ ...draft, type, question_variant_id: String(id) }).ok, `question ${id}`);
    const past = checkDraft({ ...draft, type, question_variant_id: String(last + 1) });
    t.false(past.ok);
    if (!past.ok) t.is(past.errors.question_variant_id, `${label} questions are numbered 0 to ${last}.`);
  });

  test(`${type}: App Home names it by its label, in the agent's requests and the settings`, (t) => {
    const home = JSON.stringify(
      homeView({
        isAdmin: true,
        maySend: true,
        recent: [{ createdAt: '2024-05-01T10:00:00Z', type, test: false, customer: '@jack', status: 'sent' }],
        settings: { ...settings, type },
      }),
    );
    t.true(home.includes(` · ${label} to @jack · `));
    t.true(home.includes(`*Default survey*\\n${label}, question`));
  });
}

test('CSAT scores the share of satisfied answers (4 and 5) and the mean', (t) => {
  t.deepEqual(SURVEY_TYPES.csat.score([5, 4, 3, 1]), { answers: 4, score: 50, mean: 3.25 });
  t.is(SURVEY_TYPES.csat.score([]), undefined);
});

test('NPS scores the share of promoters (9 and 10) less the share of detractors (0 to 6)', (t) => {
  t.deepEqual(SURVEY_TYPES.nps.score([10, 9, 8, 7, 6, 0, 10, 5]), { answers: 8, score: 0, mean: 6.875 });
  t.deepEqual(SURVEY_TYPES.nps.score([10, 9, 9, 7]), { answers: 4, score: 75, mean: 8.75 });
  t.is(SURVEY_TYPES.nps.score([]), undefined);
});
