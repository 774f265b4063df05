// SIGKILL at six points of a LoRA run (mid-step, inside each phase of a checkpoint save, inside the final
// adapter write), then the same command again: the result must be byte-identical to an uninterrupted run,
// with and without dropout.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixtures, makeFixtures, removeFixtures } from './fixtures.js';
import { lawgpt, output, runLawgpt } from './harness.js';
import { record } from './tally.js';

let fixtures: Fixtures;
beforeAll(async () => {
  fixtures = await makeFixtures();
});
afterAll(() => removeFixtures(fixtures));

const RESULT_FILES = [
  'adapter_model.safetensors',
  'adapter_config.json',
  'trainer_state.json',
  'checkpoint-8/trainable.safetensors',
  'checkpoint-8/optimizer.safetensors',
];

/**
 * One run killed six times, each time at another point, resumed after each kill: `at` is an inject.mjs rule
 * (counted from the start of that process), without one the harness kills after the first step's progress line.
 */
const KILLS: Array<{ name: string; at?: string }> = [
  { name: 'in the middle of a step' },
  {
    name: 'while checkpoint-4 tensors are half written',
    at: 'write:checkpoint-4/trainable\\.safetensors\\.tmp:2:SIGKILL',
  },
  {
    name: 'after checkpoint-4 is written, before the state file names it',
    at: 'rename:trainer_state\\.json\\.tmp:1:SIGKILL',
  },
  { name: 'while the older checkpoint is removed', at: 'rm:checkpoint-2$:1:SIGKILL' },
  {
    name: 'while the final adapter is half written',
    at: 'write:adapter_model\\.safetensors\\.tmp:2:SIGKILL',
  },
  {
    name: 'after the adapter, before the run is marked finished',
    at: 'rename:trainer_state\\.json\\.tmp:2:SIGKILL',
  },
];

const sft = (dir: string, dropout: string) => [
  'sft',
  ...['--model', fixtures.base, '--data', fixtures.sft, '--output', join(fixtures.root, dir)],
  ...['--max-steps', '8', '--batch-size', '2', '--save-every', '2', '--lora-dropout', dropout],
];

async function differingFiles(dir: string, reference: string): Promise<string[]> {
  const differing: string[] = [];
  for (const file of RESULT_FILES) {
    const [actual, expected] = await Promise.all(
      [dir, reference].map((folder) => readFile(join(fixtures.root, folder, file)).catch(() => undefined)),
    );
    if (!actual || !expected || Buffer.compare(actual, expected) !== 0) differing.push(file);
  }
  return differing;
}

describe.each(['0', '0.05'])('SIGKILL at six points, resumed each time (lora dropout %s)', (dropout) => {
  it('ends byte-identical to an uninterrupted run', async () => {
    const reference = await runLawgpt(sft(`reference-${dropout}`, dropout));
    expect(reference.code, output(reference)).toBe(0);
    const dir = `killed-${dropout}`;
    for (const kill of KILLS) {
      const child = lawgpt(sft(dir, dropout), kill.at ? { fault: { at: kill.at } } : {});
      if (!kill.at) {
        await child.waitFor(/sft 1\/8/);
        child.kill('SIGKILL');
      }
      const killed = await child.exited;
      const ok = killed.signal === 'SIGKILL';
      record({
        group: 'exact resume after SIGKILL',
        name: `dropout ${dropout}, ${kill.name}`,
        outcome: killed.hung ? 'hang' : ok ? 'handled' : 'crash',
        lost: 0,
      });
      expect(killed.signal, `${kill.name}: ${output(killed)}`).toBe('SIGKILL');
    }
    const resumed = await runLawgpt(sft(dir, dropout));
    expect(resumed.code, output(resumed)).toBe(0);
    expect(resumed.stderr).toMatch(/removed a stale lock of process \d+/);
    const differing = await differingFiles(dir, `reference-${dropout}`);
    record({
      group: 'exact resume after SIGKILL',
      name: `dropout ${dropout}, final resume`,
      outcome: 'handled',
      lost: differing.length,
    });
    expect(differing).toEqual([]);
  });
});
