// Ctrl-C (and SIGKILL) on the other long jobs: merge to GGUF, infer batch, the data jobs, eval run. The first
// signal stops at the next step with exit 130 and a message saying what is kept; the same command then
// completes, with nothing written before the signal lost.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixtures, makeFixtures, removeFixtures } from './fixtures.js';
import { type Exit, lawgpt, output, runLawgpt, type StartOptions } from './harness.js';
import { record } from './tally.js';
import { startTeacher } from './teacher.js';

let fixtures: Fixtures;
const path = (name: string) => join(fixtures.root, name);
const lines = async (file: string) =>
  existsSync(file) ? (await readFile(file, 'utf8')).split('\n').filter(Boolean) : [];

beforeAll(async () => {
  fixtures = await makeFixtures();
});
afterAll(() => removeFixtures(fixtures));

/** Start, wait for `ready`, send SIGINT, expect exit 130 with the job's stop message. */
async function interrupt(
  args: string[],
  ready: RegExp,
  options: StartOptions,
  stopped: RegExp,
): Promise<Exit> {
  const child = lawgpt(args, options);
  await child.waitFor(ready);
  child.kill('SIGINT');
  const exit = await child.exited;
  expect(exit.code, output(exit)).toBe(130);
  expect(exit.stderr).toMatch(/SIGINT received: /);
  expect(exit.stderr).toMatch(stopped);
  return exit;
}

describe('merge, infer batch', () => {
  it('merge --gguf: stops between tensors, leaves no partial file; the rerun writes it', async () => {
    const gguf = path('merged.gguf');
    const args = ['merge', '--model', fixtures.base, '--gguf', gguf, '--type', 'q8_0'];
    await interrupt(
      args,
      /gguf tensors 2\//,
      { fault: { slow: '\\.gguf\\.tmp-=200' } },
      /merge: stopped; nothing partial is left/,
    );
    const left = (await readdir(fixtures.root)).filter((name) => name.includes('.gguf'));
    expect(left).toEqual([]);
    const rerun = await runLawgpt(args);
    expect(rerun.code, output(rerun)).toBe(0);
    record({
      group: 'interrupt: merge, infer, eval',
      name: 'merge --gguf SIGINT',
      outcome: 'handled',
      lost: existsSync(gguf) ? 0 : 1,
    });
  });

  const infer = (out: string) => [
    'infer',
    ...['--model', fixtures.base, '--input', fixtures.prompts, '--output', path(out)],
    ...['--batch-size', '2', '--max-new-tokens', '6', '--temperature', '0.9', '--seed', '3'],
  ];

  it('infer batch (sampling): SIGINT keeps the finished batches; SIGKILL and a torn line too; reruns end identical', async () => {
    const reference = await runLawgpt(infer('reference.jsonl'));
    expect(reference.code, output(reference)).toBe(0);
    const expected = await readFile(path('reference.jsonl'));

    await interrupt(
      infer('int.jsonl'),
      /\[4\/12\]/,
      { fault: { slow: 'int\\.jsonl\\.partial$=300' } },
      /infer: stopped; \d+ records kept in .*int\.jsonl\.partial; rerun/,
    );
    const kept = await lines(path('int.jsonl.partial'));
    expect(kept.length).toBeGreaterThanOrEqual(4);
    const resumed = await runLawgpt(infer('int.jsonl'));
    expect(resumed.code, output(resumed)).toBe(0);
    const same = Buffer.compare(await readFile(path('int.jsonl')), expected) === 0;
    record({
      group: 'interrupt: merge, infer, eval',
      name: 'infer batch SIGINT',
      outcome: 'handled',
      lost: same ? 0 : 1,
    });
    expect(same).toBe(true);

    const killed = await lawgpt(infer('kill.jsonl'), {
      fault: { at: 'write:kill\\.jsonl\\.partial$:4:SIGKILL' },
    }).exited;
    expect(killed.signal).toBe('SIGKILL');
    // as if the kill had cut the last append short: record p5 torn, p4 (same batch) whole
    const partial = await readFile(path('kill.jsonl.partial'), 'utf8');
    expect(partial.split('\n').filter(Boolean)).toHaveLength(6);
    await writeFile(path('kill.jsonl.partial'), partial.slice(0, partial.length - 12));
    const rerun = await runLawgpt(infer('kill.jsonl'));
    expect(rerun.code, output(rerun)).toBe(0);
    const identical = Buffer.compare(await readFile(path('kill.jsonl')), expected) === 0;
    record({
      group: 'interrupt: merge, infer, eval',
      name: 'infer batch SIGKILL + torn line',
      outcome: 'handled',
      lost: identical ? 0 : 1,
    });
    expect(identical).toBe(true);
  });
});

describe('data jobs', () => {
  let teacher: Awaited<ReturnType<typeof startTeacher>>;
  beforeAll(async () => {
    teacher = await startTeacher(120);
  });
  afterAll(() => teacher.close());
  const GROUP = 'interrupt: data jobs';

  it('corpus: stops before the next document; the rerun builds the same corpus', async () => {
    const args = (out: string) => [
      'data',
      'corpus',
      '--jsonl',
      fixtures.corpus,
      '--output',
      path(out),
      '--shard-size',
      '2',
      '--threshold',
      'none',
    ];
    const reference = await runLawgpt(args('corpus-ref'));
    expect(reference.code, output(reference)).toBe(0);
    await interrupt(
      args('corpus'),
      /fault-mark write .*corpus-00001/,
      { fault: { slow: 'corpus-\\d+\\.jsonl=150', mark: 'corpus-\\d+\\.jsonl' } },
      /corpus: stopped; the corpus in .* is incomplete \(no corpus-stats\.json\)/,
    );
    expect(existsSync(path('corpus/corpus-stats.json'))).toBe(false);
    const rerun = await runLawgpt(args('corpus'));
    expect(rerun.code, output(rerun)).toBe(0);
    const shards = (await readdir(path('corpus-ref'))).filter((name) => name.endsWith('.jsonl'));
    let lost = 0;
    for (const shard of shards) {
      if (
        (await readFile(path(`corpus/${shard}`), 'utf8')) !==
        (await readFile(path(`corpus-ref/${shard}`), 'utf8'))
      )
        lost++;
    }
    record({ group: GROUP, name: 'corpus SIGINT', outcome: 'handled', lost });
    expect(lost).toBe(0);
  });

  it('knowledge-instruct: stops before writing anything; the rerun writes the data set', async () => {
    const args = ['data', 'knowledge-instruct', '--laws', fixtures.laws, '--output', path('ki.json')];
    await interrupt(
      args,
      /fault-mark read .*\.md/,
      { fault: { slow: '\\.md$=150', mark: '\\.md$' } },
      /knowledge-instruct: stopped; nothing written to .*ki\.json/,
    );
    expect(existsSync(path('ki.json'))).toBe(false);
    const rerun = await runLawgpt(args);
    expect(rerun.code, output(rerun)).toBe(0);
    expect(JSON.parse(await readFile(path('ki.json'), 'utf8')).length).toBeGreaterThan(0);
    record({ group: GROUP, name: 'knowledge-instruct SIGINT', outcome: 'handled', lost: 0 });
  });

  it('clean: stops, keeps what was written; the rerun handles every record exactly once', async () => {
    const args = [
      'data',
      'clean',
      '--input',
      fixtures.sft,
      '--base-url',
      teacher.url,
      '--model',
      't',
      '--output',
      path('clean.jsonl'),
      '--concurrency',
      '2',
    ];
    await interrupt(
      args,
      /clean: (6|7|8|9|\d\d)\/40/,
      {},
      /data: stopped|clean: stopped; the records written to .*clean\.jsonl are kept/,
    );
    const before = await lines(path('clean.jsonl'));
    expect(before.length).toBeGreaterThanOrEqual(6);
    const rerun = await runLawgpt(args);
    expect(rerun.code, output(rerun)).toBe(0);
    const after = await lines(path('clean.jsonl'));
    const instructions = after.map((line) => JSON.parse(line).instruction as string);
    const lost =
      before.filter((line, index) => after[index] !== line).length + (40 - new Set(instructions).size);
    record({ group: GROUP, name: 'clean SIGINT', outcome: 'handled', lost });
    expect(lost).toBe(0);
    expect(after.length).toBe(40);
  });

  it('self-instruct: stops, keeps every record written; the rerun reaches the target', async () => {
    const seeds = path('seeds.jsonl');
    await writeFile(
      seeds,
      ['盗窃罪的构成要件是什么？', '诈骗罪如何量刑？', '什么是正当防卫？']
        .map((instruction) => JSON.stringify({ instruction, input: '', output: '见刑法。' }))
        .join('\n'),
    );
    const args = [
      'data',
      'self-instruct',
      '--seeds',
      seeds,
      '--base-url',
      teacher.url,
      '--model',
      't',
      '--output',
      path('si.jsonl'),
      '--num',
      '48',
      '--concurrency',
      '2',
      '--tokenizer',
      'char',
    ];
    await interrupt(
      args,
      /kept (6|7|8|9|1\d)\/48/,
      {},
      /self-instruct: stopped; the records written to .*si\.jsonl are kept/,
    );
    const before = await lines(path('si.jsonl'));
    expect(before.length).toBeGreaterThanOrEqual(6);
    const rerun = await runLawgpt(args);
    expect(rerun.code, output(rerun)).toBe(0);
    const after = await lines(path('si.jsonl'));
    const lost = before.filter((line, index) => after[index] !== line).length;
    record({ group: GROUP, name: 'self-instruct SIGINT', outcome: 'handled', lost });
    expect(lost).toBe(0);
    expect(after.length).toBe(48);
  });
});

describeWithShared(
  'eval run (LawBench labels from ../shared)',
  ['data/lawbench/scorer-data/labels.json'],
  () => {
    it('stops after the item being generated, keeps the journal; the rerun completes the predictions', async () => {
      const data = path('lawbench');
      await mkdir(join(data, 'zero_shot'), { recursive: true });
      await mkdir(join(data, 'scorer-data'), { recursive: true });
      await copyFile(
        sharedPath('data/lawbench/scorer-data/labels.json'),
        join(data, 'scorer-data/labels.json'),
      );
      const items = Array.from({ length: 8 }, (_, i) => ({
        instruction: '答：',
        question: `问题${i}`,
        answer: '[法条]刑法第264条<eoa>',
      }));
      await writeFile(join(data, 'zero_shot/3-1.json'), JSON.stringify(items));
      const args = [
        'eval',
        'run',
        '--model-dir',
        fixtures.base,
        '--data',
        data,
        '--output',
        path('eval'),
        '--tasks',
        '3-1',
      ];
      await interrupt(
        args,
        /3-1: 2\/8/,
        { fault: { slow: '\\.progress/3-1\\.jsonl$=300' } },
        /eval run: stopped; \d+ new predictions kept in .*\.progress; rerun the same command to resume/,
      );
      const journal = await lines(path('eval/.progress/3-1.jsonl'));
      expect(journal.length).toBeGreaterThanOrEqual(2);
      const rerun = await runLawgpt(args);
      expect(rerun.code, output(rerun)).toBe(0);
      const predictions = JSON.parse(await readFile(path('eval/3-1.json'), 'utf8')) as Record<
        string,
        { prediction: string }
      >;
      const lost = journal.filter((line) => {
        const { index, prediction } = JSON.parse(line) as { index: number; prediction: string };
        return predictions[String(index)]?.prediction !== prediction;
      }).length;
      record({ group: 'interrupt: merge, infer, eval', name: 'eval run SIGINT', outcome: 'handled', lost });
      expect(lost).toBe(0);
      expect(Object.keys(predictions)).toHaveLength(8);
    });
  },
);
