// Ctrl-C and SIGTERM on `lawgpt sft|pretrain` (real signals to a child process): the first finishes the step,
// saves a checkpoint and exits 130; a second ends the process at once; the same command then resumes to a
// result byte-identical to an uninterrupted run. A second run into a locked folder is refused.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixtures, makeFixtures, removeFixtures } from './fixtures.js';
import { lawgpt, output, runLawgpt } from './harness.js';
import { record } from './tally.js';

let fixtures: Fixtures;
const GROUP = 'interrupt: pretrain / sft';

const sft = (dir: string, ...extra: string[]) => [
  'sft',
  ...['--model', fixtures.base, '--data', fixtures.sft, '--output', join(fixtures.root, dir)],
  ...['--max-steps', '30', '--batch-size', '2', '--save-every', '50', ...extra],
];

async function sameAdapter(dir: string, reference: string): Promise<boolean> {
  const [a, b] = await Promise.all(
    [dir, reference].map((folder) => readFile(join(fixtures.root, folder, 'adapter_model.safetensors'))),
  );
  return Buffer.compare(a!, b!) === 0;
}

beforeAll(async () => {
  fixtures = await makeFixtures();
  const reference = await runLawgpt(sft('reference'));
  expect(reference.code, output(reference)).toBe(0);
});
afterAll(() => removeFixtures(fixtures));

describe('lawgpt sft / pretrain under SIGINT and SIGTERM', () => {
  it('SIGINT: finishes the step, checkpoints, exits 130 with a message; the rerun resumes byte-identical', async () => {
    const child = lawgpt(sft('sigint'));
    await child.waitFor(/sft 2\/30/);
    child.kill('SIGINT');
    const stopped = await child.exited;
    expect(stopped.code, output(stopped)).toBe(130);
    expect(stopped.stderr).toMatch(
      /sft: SIGINT received: finishing the current step and saving a checkpoint/,
    );
    const step = Number(
      /sft: stopped; at step (\d+)\/30, checkpoint .*checkpoint-\1; run the same command/.exec(
        stopped.stderr,
      )?.[1],
    );
    expect(step).toBeGreaterThanOrEqual(2);
    const state = JSON.parse(await readFile(join(fixtures.root, 'sigint/trainer_state.json'), 'utf8'));
    expect(state.step).toBe(step);
    expect(existsSync(join(fixtures.root, `sigint/checkpoint-${step}/optimizer.safetensors`))).toBe(true);
    expect(existsSync(join(fixtures.root, 'sigint/train.lock'))).toBe(false);
    // Other settings: refused, each difference named by its flag.
    const changed = await runLawgpt(
      sft('sigint', '--lr', '1e-1', '--schedule', 'constant', '--lora-dropout', '0'),
    );
    expect(changed.code, output(changed)).toBe(1);
    expect(changed.stderr).toContain('the checkpoint was made with other settings:');
    expect(changed.stderr).toContain('  --lr: 0.0003 → 0.1\n');
    expect(changed.stderr).toContain('  --lora-dropout: 0.05 → 0\n');
    expect(changed.stderr).toContain('  --schedule: linear → constant\n');
    expect(changed.stderr).toContain('add --force-resume to continue with these');
    record({ group: GROUP, name: 'resume with other settings', outcome: 'named', lost: 0 });
    const resumed = await runLawgpt(sft('sigint'));
    expect(resumed.code, output(resumed)).toBe(0);
    expect(resumed.stderr).toContain(`sft: resuming from step ${step} of 30`);
    const same = await sameAdapter('sigint', 'reference');
    record({ group: GROUP, name: 'sft SIGINT, then resume', outcome: 'handled', lost: same ? 0 : 1 });
    expect(same).toBe(true);
    // Finished: the same command says so.
    const again = await runLawgpt(sft('sigint'));
    expect(again.code, output(again)).toBe(0);
    expect(again.stdout).toMatch(
      /^sft: already finished: 30 steps, final loss \d+\.\d{4} → .*nothing to train/m,
    );
    expect(again.stdout).not.toContain('NaN');
  });

  it('a second SIGINT ends the process at once; the rerun clears the stale lock and ends identical', async () => {
    // a slow disk keeps the checkpoint save going when the second signal comes
    const child = lawgpt(sft('twice'), { fault: { slow: 'checkpoint-=1000' } });
    await child.waitFor(/sft 2\/30/);
    child.kill('SIGINT');
    await child.waitFor(/SIGINT received/);
    const second = Date.now();
    child.kill('SIGINT');
    const stopped = await child.exited;
    expect(stopped.signal, output(stopped)).toBe('SIGINT');
    expect(Date.now() - second).toBeLessThan(5000);
    const resumed = await runLawgpt(sft('twice'));
    expect(resumed.code, output(resumed)).toBe(0);
    const same = await sameAdapter('twice', 'reference');
    record({ group: GROUP, name: 'sft SIGINT twice, then rerun', outcome: 'handled', lost: same ? 0 : 1 });
    expect(same).toBe(true);
  });

  it('two signals during one long synchronous step end the process when the step ends, without saving', async () => {
    // a 1.5 s synchronous spin before each checkpoint write stands in for a long forward/backward pass
    const child = lawgpt(sft('burst', '--save-every', '1'), { fault: { busy: 'checkpoint-[3-9]=1500' } });
    await child.waitFor(/sft 3\/30/);
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const stopped = await child.exited;
    expect(stopped.stderr).toMatch(/SIGINT again: stopping at once/);
    record({
      group: GROUP,
      name: 'sft two SIGINTs in one step',
      outcome: stopped.signal === 'SIGINT' ? 'handled' : 'crash',
      lost: 0,
    });
    expect(stopped.signal, output(stopped)).toBe('SIGINT');
  });

  it('pretrain SIGTERM: checkpoint, exit 130; --force-resume with another --lr finishes it and says so', async () => {
    const pretrain = [
      'pretrain',
      ...['--model', fixtures.base, '--data', fixtures.corpus, '--output', join(fixtures.root, 'pretrain')],
      ...['--block-size', '16', '--batch-size', '2', '--max-steps', '30'],
    ];
    const child = lawgpt(pretrain);
    await child.waitFor(/pretrain 2\/30/);
    child.kill('SIGTERM');
    const stopped = await child.exited;
    expect(stopped.code, output(stopped)).toBe(130);
    expect(stopped.stderr).toMatch(/pretrain: SIGTERM received/);
    expect(stopped.stderr).toMatch(/pretrain: stopped; at step \d+\/30/);
    const resumed = await runLawgpt([...pretrain, '--lr', '1e-3', '--force-resume']);
    expect(resumed.code, output(resumed)).toBe(0);
    expect(resumed.stderr).toMatch(
      /pretrain: --force-resume: continuing from step \d+ although these settings changed:\n {2}--lr: 0\.0003 → 0\.001\n/,
    );
    expect(resumed.stdout).toMatch(/pretrain: done, 30 steps, final loss \d/);
    record({ group: GROUP, name: 'pretrain SIGTERM, then resume', outcome: 'handled', lost: 0 });
  });

  it('a second run into the same folder is refused while the first runs, naming its pid', async () => {
    // checkpoints every step, slowed down, keep the first run going
    const first = lawgpt(sft('locked', '--save-every', '1'), { fault: { slow: 'checkpoint-=150' } });
    await first.waitFor(/sft 1\/30/);
    const second = await runLawgpt(sft('locked', '--save-every', '1'));
    expect(second.code, output(second)).toBe(1);
    expect(second.stderr).toContain(`is in use by another training run (pid ${first.process.pid} on`);
    first.kill('SIGINT');
    const stopped = await first.exited;
    expect(stopped.code, output(stopped)).toBe(130);
    record({ group: GROUP, name: 'second run into a locked folder', outcome: 'named', lost: 0 });
  });
});
