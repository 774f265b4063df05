import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.js';

describe('lawgpt demo pipeline', () => {
  it('runs every stage, writes each artefact in the format users load, and learns', async () => {
    const outputDir = await mkdtemp(join(tmpdir(), 'lawgpt-demo-'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text) };
    const result = await runDemo({ outputDir, pretrainSteps: 20, sftSteps: 20, io });
    expect(result.articles).toBe(9);
    expect(result.vocabulary.extended).toBeGreaterThan(result.vocabulary.base);
    expect(result.pretrainLoss[1]).toBeLessThan(result.pretrainLoss[0]);
    expect(result.sftLoss[1]).toBeLessThan(result.sftLoss[0]);
    for (const file of [
      'data/instructions.json',
      'data/dataset-card.md',
      'tokenizer/tokenizer.model',
      'tokenizer/tokenizer.json',
      'base-model/config.json',
      'pretrained/model.safetensors',
      'sft-adapter/adapter_config.json',
      'sft-adapter/adapter_model.safetensors',
      'merged-model/model.safetensors',
      'merged-model/tokenizer.model',
      'predictions.json',
    ]) {
      expect(existsSync(join(outputDir, file)), file).toBe(true);
    }
    const merged = JSON.parse(await readFile(join(outputDir, 'merged-model/config.json'), 'utf8'));
    expect(merged.vocab_size).toBe(result.vocabulary.extended);
    expect(out.join('')).toContain('7. ROUGE-L');
    expect(out.join('')).toContain('Next: npx lawgpt serve --model');
    // quiet: stdout is the numbered steps, stderr only training progress (the dataset card is a file)
    expect(
      err
        .join('')
        .split('\n')
        .filter((line) => line && !/^ {2}(pretrain|sft) \d+\//.test(line)),
    ).toEqual([]);
  }, 600_000);
});
