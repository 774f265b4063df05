import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLlamaConfig,
  createRandomModel,
  GgufFile,
  SafetensorsCheckpoint,
  unpermuteFromGguf,
} from '@lawgpt/llama-core';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { convertToTokenizerJson, createCharacterTokenizer } from '@lawgpt/tokenizer-legal';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCommandHelp, parseCommandArgs, UsageError } from '../command.js';
import { inferCommand } from './infer.js';
import { mergeCommand } from './merge.js';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await mergeCommand.run(parseCommandArgs(mergeCommand, argv), {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const tokenizer = createCharacterTokenizer({ texts: ['盗窃公私财物，数额较大的，处三年以下有期徒刑。'] });
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lawgpt-cli-merge-'));
  const config = createLlamaConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 32,
    intermediateSize: 48,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
  });
  const model = await createRandomModel(config, { seed: 7 });
  await model.save(join(root, 'model'));
  await tokenizer.save(join(root, 'model'));
  await model.save(join(root, 'bare')); // the same model without a tokenizer
  model.dispose();
  const other = createCharacterTokenizer({ texts: ['民法典'] });
  await mkdir(join(root, 'other'));
  await other.save(join(root, 'other'));
  await mkdir(join(root, 'no-scores'));
  const json = convertToTokenizerJson(tokenizer, { pieceScores: false });
  await writeFile(join(root, 'no-scores', 'tokenizer.json'), JSON.stringify(json));
});

async function infer(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await inferCommand.run(parseCommandArgs(inferCommand, argv), {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('lawgpt merge --gguf', () => {
  it('writes Q8_0 (--type q8_0), and infer runs the file with its own vocabulary as the folder quantized at load', async () => {
    const path = join(root, 'model-q8.gguf');
    const result = await run(['--model', join(root, 'model'), '--gguf', path, '--type', 'q8_0']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\(GGUF, 21 tensors, Q8_0, vocabulary from /);
    const file = await GgufFile.open(path);
    const types = file.tensors.map((tensor) => tensor.type);
    await file.close();
    expect(types.filter((type) => type === 'Q8_0')).toHaveLength(14); // every 2-D weight but the 48-wide down_proj
    expect(types.filter((type) => type === 'F16')).toHaveLength(2);
    const prompt = ['--prompt', '盗窃公私财物', '--max-new-tokens', '6'];
    const fromGguf = await infer(['--model', path, ...prompt]);
    const fromFolder = await infer(['--model', join(root, 'model'), '--dtype', 'q8_0', ...prompt]);
    expect(fromGguf.code, fromGguf.stderr).toBe(0);
    expect(fromGguf.stdout.length).toBeGreaterThan(1);
    expect(fromGguf.stdout).toBe(fromFolder.stdout);
    await expect(infer(['--model', path, '--dtype', 'q5', ...prompt])).rejects.toThrow(
      /--dtype must be one of auto, f32, bf16, f16, q8_0, q4_0, got 'q5'/,
    );
  });

  it('exports a plain model with its tokenizer as the vocabulary', async () => {
    const path = join(root, 'model.gguf');
    const result = await run(['--model', join(root, 'model'), '--gguf', path]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^exported .*model\.gguf \(GGUF, 21 tensors, F32, vocabulary from /);
    expect(result.stderr).toMatch(/gguf tensors 1\/21 \(4%\)/);
    expect(result.stderr).toMatch(/gguf tensors 21\/21 \(100%\)/);
    expect(result.stderr).not.toMatch(/warning/);
    const file = await GgufFile.open(path);
    try {
      expect(file.value('general.architecture')).toBe('llama');
      expect(file.value('general.name')).toBe('model');
      expect(file.value('llama.block_count')).toBe(2);
      expect(file.value('llama.attention.head_count_kv')).toBe(2);
      const pieces = Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.idToPiece(id));
      expect(file.value('tokenizer.ggml.model')).toBe('llama');
      expect(file.value('tokenizer.ggml.tokens')).toEqual(pieces);
      expect(file.value('tokenizer.ggml.token_type')).toEqual(
        pieces.map((_, id) => tokenizer.entries()[id].type),
      );
      expect(file.value('tokenizer.ggml.bos_token_id')).toBe(tokenizer.bosId);
      expect(file.value('tokenizer.ggml.eos_token_id')).toBe(tokenizer.eosId);
      expect(file.value('tokenizer.ggml.unknown_token_id')).toBe(tokenizer.unkId);
      const checkpoint = await SafetensorsCheckpoint.open(join(root, 'model'));
      const embedding = await checkpoint.read('model.embed_tokens.weight');
      const down = await checkpoint.read('model.layers.1.mlp.down_proj.weight');
      await checkpoint.close();
      expect(Array.from((await file.readTensor('token_embd.weight')).data)).toEqual(
        Array.from(embedding.data),
      );
      expect(Array.from((await file.readTensor('blk.1.ffn_down.weight')).data)).toEqual(
        Array.from(down.data),
      );
    } finally {
      await file.close();
    }
  });

  it('writes F16 weights with --dtype F16 and names the file with --name', async () => {
    const path = join(root, 'half.gguf');
    const result = await run(['-m', join(root, 'model'), '-g', path, '--dtype', 'F16', '--name', 'tiny']);
    expect(result.code, result.stderr).toBe(0);
    const file = await GgufFile.open(path);
    expect(file.value('general.file_type')).toBe(1);
    expect(file.value('general.name')).toBe('tiny');
    expect(file.info('token_embd.weight')?.type).toBe('F16');
    expect(file.info('blk.0.attn_norm.weight')?.type).toBe('F32');
    await file.close();
  });

  it('warns and writes the placeholder vocabulary when no tokenizer is found', async () => {
    const path = join(root, 'bare.gguf');
    const result = await run(['--model', join(root, 'bare'), '--gguf', path]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: no tokenizer found .* text in llama.cpp will be meaningless/);
    expect(result.stdout).toMatch(/placeholder vocabulary/);
    const file = await GgufFile.open(path);
    const tokens = file.value('tokenizer.ggml.tokens') as string[];
    expect(tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(tokens.at(-1)).toBe(`<placeholder_${tokenizer.vocabSize - 1}>`);
    await file.close();
  });

  it('fails with both sizes when the tokenizer does not match the model, writing nothing', async () => {
    const path = join(root, 'mismatch.gguf');
    const other = createCharacterTokenizer({ texts: ['民法典'] });
    const promise = run(['--model', join(root, 'model'), '--tokenizer', join(root, 'other'), '--gguf', path]);
    // refused before the model loads: the model can generate ids the smaller tokenizer cannot decode
    await expect(promise).rejects.toThrow(
      `the model ${join(root, 'model')} has a vocabulary of ${tokenizer.vocabSize} ids but the tokenizer ${join(root, 'other')} has ${other.vocabSize}`,
    );
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a tokenizer.json without piece scores with an error naming the file', async () => {
    const tokenizerPath = join(root, 'no-scores', 'tokenizer.json');
    const promise = run([
      '--model',
      join(root, 'model'),
      '--tokenizer',
      tokenizerPath,
      '--gguf',
      join(root, 'x.gguf'),
    ]);
    await expect(promise).rejects.toThrow(`${tokenizerPath}: model.piece_scores is absent`);
  });

  it('rejects flag combinations that cannot work as usage errors', async () => {
    const model = join(root, 'model');
    const cases: Array<[string[], RegExp]> = [
      [['--gguf', 'x.gguf'], /--model is required/],
      [['--model', model], /give --output DIR \(HF folder\), --gguf FILE, or both/],
      [['--model', model, '--adapter', model], /give --output DIR/],
      [
        ['--model', model, '--output', join(root, 'out')],
        /--adapter is required with --output only \(nothing to merge\)/,
      ],
      [
        ['--model', model, '--gguf', 'x.gguf', '--type', 'Q5_K'],
        /--type must be one of F32, F16, BF16, Q8_0, Q4_0, got 'Q5_K'/,
      ],
      [
        ['--model', model, '--adapter', model, '--output', join(root, 'out'), '--type', 'q8_0'],
        /--type is the GGUF tensor type; give --gguf FILE/,
      ],
      [
        ['--model', model, '--gguf', 'x.gguf', '--dtype', 'Q8_0'],
        /--dtype must be one of F32, F16, BF16, got 'Q8_0'/,
      ],
    ];
    for (const [argv, message] of cases) {
      const promise = run(argv);
      await expect(promise, argv.join(' ')).rejects.toThrow(UsageError);
      await expect(promise, argv.join(' ')).rejects.toThrow(message);
    }
    expect(existsSync(join(root, 'out'))).toBe(false);
  });

  it('describes the new flags in --help', () => {
    const help = formatCommandHelp(mergeCommand);
    expect(help).toMatch(/-g, --gguf FILE\s+.*GGUF file for llama\.cpp/);
    expect(help).toMatch(/--adapter DIR\s+.*optional with --gguf/);
    expect(help).toMatch(/--type TYPE\s+.*; one of: F32 \| F16 \| BF16 \| Q8_0 \| Q4_0/);
    expect(help).toMatch(
      /lawgpt merge -m lawgpt-demo\/merged-model --gguf lawgpt-demo\/lawgpt\.gguf\s+# a plain model/,
    );
  });
});

describeWithShared(
  'lawgpt merge --gguf golden (s1 + LoRA)',
  ['fixtures/models/s1/model', 'fixtures/models/s1/lora'],
  () => {
    it('writes the same merged weights to GGUF as to the HF folder', async () => {
      const output = join(root, 's1-merged');
      const path = join(root, 's1-merged.gguf');
      const model = sharedPath('fixtures/models/s1/model');
      const result = await run([
        '--model',
        model,
        '--adapter',
        sharedPath('fixtures/models/s1/lora'),
        '--output',
        output,
        '--gguf',
        path,
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/merged 6 LoRA modules into .*s1-merged\.gguf \(GGUF, /);
      expect(result.stdout).toMatch(/merged 6 LoRA modules into .*s1-merged \(\d+ files, F32\)/);
      expect(result.stderr).toMatch(/warning: no tokenizer found/);
      const config = JSON.parse(await readFile(join(model, 'config.json'), 'utf8'));
      const merged = await SafetensorsCheckpoint.open(output);
      const base = await SafetensorsCheckpoint.open(model);
      const file = await GgufFile.open(path);
      try {
        expect(file.value('llama.block_count')).toBe(config.num_hidden_layers);
        for (let layer = 0; layer < config.num_hidden_layers; layer++) {
          const name = `model.layers.${layer}.self_attn.q_proj.weight`;
          const hf = await merged.read(name);
          const stored = await file.readTensor(`blk.${layer}.attn_q.weight`);
          const rows = config.hidden_size;
          const unpermuted = unpermuteFromGguf(stored.data, rows, config.num_attention_heads);
          expect(Array.from(unpermuted)).toEqual(Array.from(hf.data));
          // The adapter really moved q_proj (merged ≠ base).
          expect(Array.from(hf.data)).not.toEqual(Array.from((await base.read(name)).data));
          const gate = await merged.read(`model.layers.${layer}.mlp.gate_proj.weight`);
          const storedGate = await file.readTensor(`blk.${layer}.ffn_gate.weight`);
          expect(Array.from(storedGate.data)).toEqual(Array.from(gate.data));
        }
      } finally {
        await Promise.all([file.close(), merged.close(), base.close()]);
      }
    });
  },
);
