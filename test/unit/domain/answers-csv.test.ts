import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer } from '../../../app/domain/answers.js';
import { answersCsv, CSV_COLUMNS } from '../../../app/domain/answers-csv.js';

const HEADER =
  'feedback_id,sent_at,answered_at,type,question_variant_id,question,score,comment,external_id,agent,customer_id,customer_handle,account,test,source';

const SCORE = { value: 0, created_at: 'SatDec1517:59:00+00002015', updated_at: 'SatDec1517:59:00+00002015' };
const TEXT = { value: 'Too slow, "sorry"', created_at: 'SatDec1517:59:22+00002015', updated_at: 'SatDec1517:59:22+00002015' };

const answered: Answer = {
  feedback_id: '123456789012345678',
  type: 'nps',
  test: false,
  created_at: 'SatDec1517:58:20+00002015',
  updated_at: 'SatDec1517:59:22+00002015',
  score: SCORE,
  text: TEXT,
  external_id: 'ticket_5555',
  question_variant_id: '3',
  from_user_id: '1212121212121',
  to_user_id: '343434343434',
  source: 'app',
  team: 'T1',
  agent: 'U1',
  customer_handle: 'jack',
};

const question = (answer: Answer) => (answer.question_variant_id === '3' ? 'How likely, really?' : undefined);

async function bytesOf(answers: Answer[]): Promise<Buffer> {
  async function* source() {
    yield* answers;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of answersCsv(source(), question)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function linesOf(answers: Answer[]): Promise<string[]> {
  return (await bytesOf(answers)).toString('utf8').slice(1).split('\r\n');
}

test('the export starts with a byte order mark and the header, and writes each answer in the columns’ order', async (t) => {
  const bytes = await bytesOf([
    answered,
    {
      ...answered,
      feedback_id: '9',
      question_variant_id: undefined,
      score: undefined,
      text: undefined,
      test: true,
      source: 'outside',
    },
  ]);
  t.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  t.is(HEADER, CSV_COLUMNS.join(','));
  t.deepEqual(bytes.toString('utf8').slice(1).split('\r\n'), [
    HEADER,
    '123456789012345678,2015-12-15T17:58:20.000Z,2015-12-15T17:59:22.000Z,nps,3,"How likely, really?",0,"Too slow, ""sorry""",ticket_5555,U1,343434343434,jack,1212121212121,false,app',
    '9,2015-12-15T17:58:20.000Z,,nps,,,,,ticket_5555,U1,343434343434,jack,1212121212121,true,outside',
    '',
  ]);
});

test('accents and emoji in comments come out as UTF-8', async (t) => {
  const [, row] = await linesOf([{ ...answered, text: { ...TEXT, value: 'Très bien 👍' } }]);
  t.true(row.includes(',Très bien 👍,'), row);
});

const cells: [string, string][] = [
  ['=1+1', "'=1+1"],
  ['+44 20 7946 0000', "'+44 20 7946 0000"],
  ['-', "'-"],
  ['-2', "'-2"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\tcmd', "'\tcmd"],
  ['\rcmd', `"'\rcmd"`],
  ['＝1', "'＝1"],
  ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
  ['a = b', 'a = b'],
  ['ok -', 'ok -'],
];

test('a text cell a spreadsheet would run as a formula is neutralised with a quote, in every text column', async (t) => {
  for (const [text, cell] of cells) {
    const [, row] = await linesOf([
      {
        ...answered,
        text: { ...TEXT, value: text },
        external_id: text,
        customer_handle: text,
        agent: 'U1',
        team: 'T1',
      },
    ]);
    t.is(
      row,
      `123456789012345678,2015-12-15T17:58:20.000Z,2015-12-15T17:59:22.000Z,nps,3,"How likely, really?",0,${cell},${cell},U1,343434343434,${cell},1212121212121,false,app`,
      JSON.stringify(text),
    );
  }
});

test('scores are numbers and are never neutralised, 0 included', async (t) => {
  const rows = await linesOf([0, 5, 10].map((value) => ({ ...answered, score: { ...SCORE, value }, text: undefined })));
  t.deepEqual(
    rows.slice(1, 4).map((row) => row.split(',')[7]),
    ['0', '5', '10'],
  );
});

test('a comment over several lines stays in its cell, whichever line ends it uses', async (t) => {
  for (const value of ['one\ntwo', 'one\r\ntwo', 'one\rtwo']) {
    const text = (await bytesOf([{ ...answered, text: { ...TEXT, value } }])).toString('utf8');
    t.true(text.includes(`,0,"${value}",ticket_5555,`), JSON.stringify(value));
  }
});

function nth(i: number): Answer {
  return { ...answered, feedback_id: String(i), text: { ...TEXT, value: `comment ${i}` } };
}

/** Lets the stream run as far ahead as it will on its own. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await sleep(10);
}

test('100,000 answers are pulled from the source only as fast as the CSV is read', async (t) => {
  const ROWS = 100_000;
  const AHEAD = 2_000;
  let pulled = 0;
  async function* source() {
    for (let i = 0; i < ROWS; i++) {
      pulled++;
      yield nth(i);
    }
  }
  const csv = answersCsv(source(), question);
  await settle();
  t.true(pulled < AHEAD, `pulled ${pulled} answers before anything was read`);
  let rows = -1;
  let mostAhead = 0;
  let last = '';
  for await (const chunk of csv) {
    const text = last + Buffer.from(chunk).toString('utf8');
    const lines = text.split('\r\n');
    last = lines.pop() ?? '';
    rows += lines.length;
    mostAhead = Math.max(mostAhead, pulled - rows);
    if (rows === 50_000) await settle();
  }
  t.is(rows, ROWS);
  t.is(pulled, ROWS);
  t.true(mostAhead < AHEAD, `the source ran ${mostAhead} answers ahead of the reader`);
});

test('a source that fails ends the export with its error, not with a file that looks complete', async (t) => {
  async function* source() {
    yield nth(1);
    throw new Error('store went away');
  }
  await t.throwsAsync(
    async () => {
      for await (const _chunk of answersCsv(source(), question));
    },
    { message: 'store went away' },
  );
});
