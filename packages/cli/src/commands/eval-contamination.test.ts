import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../command.js';
import { main } from '../main.js';
import { evalCommand } from './eval.js';
import { ContaminatedModelError, checkEvalContamination } from './eval-contamination.js';
import { evalOptions } from './eval-options.js';

const questions = [
  '甲公司与乙公司签订买卖合同，约定甲公司于三月一日前交付货物一百吨，乙公司收货后十日内付清全部货款。',
  '丙在夜间翻墙进入丁的住宅，窃取现金五千元和手机一部，离开时被丁发现，丙为抗拒抓捕将丁打成轻伤。',
  '戊驾驶机动车在高速公路上超速行驶，与前车追尾，造成前车乘客两人重伤，戊事后驾车逃离现场被抓获。',
];
let dir: string;
const lawbench = () => join(dir, 'lawbench');
const model = () => join(dir, 'model');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lawgpt-eval-contamination-'));
  await mkdir(join(lawbench(), 'zero_shot'), { recursive: true });
  await writeFile(
    join(lawbench(), 'zero_shot', '3-3.json'),
    JSON.stringify(questions.map((question) => ({ instruction: '请给出罪名。', question, answer: '罪名' }))),
  );
  await mkdir(join(dir, 'disc', 'objective'), { recursive: true });
  const rows = questions.map(
    (question, n) => `${question},A,选项一${n},选项二,选项三,选项四,2020 exam,False`,
  );
  await writeFile(
    join(dir, 'disc', 'objective', 'mcq_sing_nje.csv'),
    `input,output,A,B,C,D,source,multichoice\n${rows.join('\n')}\n`,
  );
  // the model was trained on a file holding the second question (edited: one character changed)
  const training = JSON.stringify([
    { instruction: '请分析案情', input: questions[1].replace('五千', '六千'), output: '抢劫罪。' },
    {
      instruction: '什么是合同？',
      input: '',
      output: '合同是民事主体之间设立、变更、终止民事法律关系的协议。',
    },
  ]);
  await writeFile(join(dir, 'train.json'), training);
  await mkdir(model());
  await writeFile(
    join(model(), 'training_data.json'),
    JSON.stringify({
      format: 'lawgpt-training-data',
      version: 1,
      command: 'sft',
      createdAt: new Date(0).toISOString(),
      files: [
        {
          path: join(dir, 'train.json'),
          sha256: createHash('sha256').update(training).digest('hex'),
          records: 2,
        },
      ],
    }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const options = (...argv: string[]) => evalOptions(parseCommandArgs(evalCommand, argv));

describe('lawgpt eval and the training data a local model recorded', () => {
  it('--refuse-contaminated exits 1 before loading the model, naming the count and the tasks', async () => {
    const args = ['eval', 'run', '--model', model(), '--data', lawbench(), '--out', join(dir, 'out')];
    const refused = await run([...args, '--refuse-contaminated']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('eval: checked 1 training files');
    expect(refused.stderr).toContain(
      'lawgpt eval: refusing to score a contaminated model (--refuse-contaminated): 1 training record overlap 1 scored item in 1 task: 3-3 (1 items)',
    );
  });

  it('warns otherwise; items past --limit are not scored, so not counted; DISC questions are checked too', async () => {
    const warned: string[] = [];
    const io = { stdout: () => {}, stderr: (text: string) => warned.push(text) };
    await checkEvalContamination(options('run', '--model', model(), '--data', lawbench(), '--out', dir), io);
    expect(warned.join('')).toContain(
      "warning: the model's training data overlaps the scored set: 1 training record overlap 1 scored item in 1 task: 3-3 (1 items)",
    );
    warned.length = 0;
    const limited = options('run', '--model', model(), '--data', lawbench(), '--out', dir, '--limit', '1');
    await checkEvalContamination({ ...limited, refuseContaminated: true }, io);
    expect(warned.join('')).toContain('against 1 scored items');
    const disc = options('disc', '--model', model(), '--data', join(dir, 'disc'), '--refuse-contaminated');
    const error = await checkEvalContamination(disc, io).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContaminatedModelError);
    expect((error as ContaminatedModelError).report.overlappedTasks).toEqual(['disc-law-eval/mcq_sing_nje']);
  });

  it('says a model without training_data.json is not checked (--refuse-contaminated), and does not check a served model', async () => {
    const notes: string[] = [];
    const io = { stdout: () => {}, stderr: (text: string) => notes.push(text) };
    const bare = join(dir, 'bare');
    await mkdir(bare, { recursive: true });
    const args = ['run', '--data', lawbench(), '--out', dir, '--refuse-contaminated'];
    await checkEvalContamination(options(...args, '--model', bare), io);
    expect(notes.join('')).toMatch(/no training_data\.json in .*bare; what it was trained on is unknown/);
    notes.length = 0;
    await checkEvalContamination(options(...args, '--model', 'm', '--base-url', 'http://127.0.0.1:1/v1'), io);
    expect(notes).toEqual([
      'eval: --refuse-contaminated: a served model has no training_data.json here; not checked\n',
    ]);
  });
});
