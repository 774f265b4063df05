/**
 * Every command on the Qwen2 / Qwen3 / InternLM2 families, with a Qwen-style byte-level BPE tokenizer (made here:
 * the 256 byte pieces, merges for a few legal words, ChatML special tokens and chat template). The Qwen2 model has
 * padding rows beyond the tokenizer, as real Qwen checkpoints do (151,936 rows for 151,669 ids).
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLlamaConfig,
  createRandomModel,
  GgufFile,
  type LlamaConfigInit,
  loadModel,
  readGgufModelVocabulary,
  readSafetensors,
} from '@lawgpt/llama-core';
import { type ByteLevelBpeTokenizer, fromGgufBpe, loadTokenizer } from '@lawgpt/tokenizer-legal';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

let root: string;
let tokenizerSize = 0;

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** GPT-2's byte alphabet (`bytes_to_unicode`). */
function byteAlphabet(): string[] {
  let extra = 0;
  return Array.from({ length: 256 }, (_, byte) => {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    return String.fromCharCode(printable ? byte : 0x100 + extra++);
  });
}

const QWEN_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const CHATML =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** A Qwen-style tokenizer.json + tokenizer_config.json in `dir`; returns its number of ids. */
async function writeQwenTokenizer(dir: string): Promise<number> {
  const alphabet = byteAlphabet();
  const vocab: Record<string, number> = Object.fromEntries(alphabet.map((char, id) => [char, id]));
  const merges: Array<[string, string]> = [];
  const encoder = new TextEncoder();
  for (const word of ['盗窃', '罪', '有期徒刑', '法律', ' the', '答案']) {
    const chars = Array.from(encoder.encode(word), (byte) => alphabet[byte]!);
    let left = chars[0]!;
    for (const right of chars.slice(1)) {
      if (vocab[left + right] === undefined) {
        merges.push([left, right]);
        vocab[left + right] = Object.keys(vocab).length;
      }
      left += right;
    }
  }
  const size = Object.keys(vocab).length;
  const special = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'].map((content, index) => ({
    id: size + index,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const json = {
    version: '1.0',
    added_tokens: special,
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN_SPLIT }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: { type: 'BPE', dropout: null, unk_token: null, ignore_merges: false, vocab, merges },
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(json));
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      bos_token: null,
      eos_token: '<|im_end|>',
      pad_token: '<|endoftext|>',
      add_bos_token: false,
      chat_template: CHATML,
      tokenizer_class: 'Qwen2Tokenizer',
    }),
  );
  return size + special.length;
}

const sizes = {
  hiddenSize: 32,
  intermediateSize: 48,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
};

async function writeModel(name: string, init: Partial<LlamaConfigInit> & { vocabSize: number }) {
  const config = createLlamaConfig({ ...sizes, ...init, eosTokenId: tokenizerSize - 1 });
  const model = await createRandomModel(config, { seed: 5, std: 0.05 });
  await model.save(join(root, name));
  model.dispose();
  await writeQwenTokenizer(join(root, name));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lawgpt-cli-families-'));
  tokenizerSize = await writeQwenTokenizer(join(root, 'tokenizer'));
  // Qwen2: tied embeddings, q/k/v biases, rows padded up to a multiple of 64 beyond the tokenizer
  await writeModel('qwen2', { modelType: 'qwen2', vocabSize: 320, tieWordEmbeddings: true });
  await writeModel('qwen3', { modelType: 'qwen3', vocabSize: tokenizerSize, headDim: 16 });
  await writeModel('internlm2', { modelType: 'internlm2', vocabSize: tokenizerSize });
  await writeFile(
    join(root, 'sft.json'),
    JSON.stringify([{ instruction: '盗窃罪怎么处罚？', input: '', output: '处三年以下有期徒刑。' }]),
  );
});

describe('lawgpt commands on Qwen2 / Qwen3 / InternLM2 models', () => {
  it('infer answers with each family (Qwen2: never an id of its padding rows)', async () => {
    expect(tokenizerSize).toBeLessThan(320);
    for (const family of ['qwen2', 'qwen3', 'internlm2']) {
      const result = await run([
        'infer',
        '--model',
        join(root, family),
        '--prompt',
        '盗窃罪',
        '--raw',
        '--max-new-tokens',
        '40',
        '--temperature',
        '1.5',
        '--seed',
        '3',
        '--backend',
        'cpu',
      ]);
      expect(result.code, `${family}: ${result.stderr}`).toBe(0);
      expect(result.stdout.length).toBeGreaterThan(0);
    }
  });

  it('sft trains a PEFT adapter under InternLM2 module names; merge folds it back into the packed layout', async () => {
    const sft = await run([
      'sft',
      '--model',
      join(root, 'internlm2'),
      '--data',
      join(root, 'sft.json'),
      '--output',
      join(root, 'internlm2-sft'),
      '--target-modules',
      'wqkv,wo',
      '--max-steps',
      '2',
      '--lr',
      '1e-2',
      '--backend',
      'cpu',
    ]);
    expect(sft.code, sft.stderr).toBe(0);
    const { tensors } = await readSafetensors(join(root, 'internlm2-sft', 'adapter_model.safetensors'));
    expect(tensors.get('base_model.model.model.layers.1.attention.wqkv.lora_B.weight')?.shape).toEqual([
      (4 + 2 * 2) * 8,
      8,
    ]);
    const merge = await run([
      'merge',
      '--model',
      join(root, 'internlm2'),
      '--adapter',
      join(root, 'internlm2-sft'),
      '--output',
      join(root, 'internlm2-merged'),
    ]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stdout).toMatch(/merged 4 LoRA modules/);
    const saved = await readSafetensors(join(root, 'internlm2-merged', 'model.safetensors'));
    expect(saved.tensors.has('model.layers.0.attention.wqkv.weight')).toBe(true);
    const prompt = ['--prompt', '盗窃', '--max-new-tokens', '6', '--backend', 'cpu'];
    const unmerged = await run([
      'infer',
      '--model',
      join(root, 'internlm2'),
      '--adapter',
      join(root, 'internlm2-sft'),
      ...prompt,
    ]);
    const merged = await run(['infer', '--model', join(root, 'internlm2-merged'), ...prompt]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(unmerged.stdout);
  });

  it('merge --gguf writes a gpt2 vocabulary that rebuilds the tokenizer, and the file loads back', async () => {
    const path = join(root, 'qwen2.gguf');
    const result = await run(['merge', '--model', join(root, 'qwen2'), '--gguf', path]);
    expect(result.code, result.stderr).toBe(0);
    const file = await GgufFile.open(path);
    let rebuilt: ByteLevelBpeTokenizer;
    try {
      expect(file.value('general.architecture')).toBe('qwen2');
      const vocabulary = readGgufModelVocabulary(file);
      if (vocabulary.model !== 'gpt2') throw new Error(`expected a gpt2 vocabulary, got ${vocabulary.model}`);
      expect(vocabulary.pre).toBe('qwen2');
      expect(vocabulary.tokens).toHaveLength(320); // padded to the model's rows
      expect(vocabulary.tokens[319]).toBe('[PAD319]');
      expect(vocabulary.chatTemplate).toBe(CHATML);
      rebuilt = fromGgufBpe(vocabulary, { path });
    } finally {
      await file.close();
    }
    const original = (await loadTokenizer(join(root, 'qwen2'))) as ByteLevelBpeTokenizer;
    for (const text of ['盗窃罪，处三年以下有期徒刑。', 'the law 法律 123', '<|im_start|>user']) {
      expect(rebuilt.encode(text)).toEqual(original.encode(text));
      expect(rebuilt.encode(text, { allowSpecial: true })).toEqual(
        original.encode(text, { allowSpecial: true }),
      );
    }
    expect(rebuilt.eosId).toBe(original.eosId);
    const fromGguf = await loadModel(path);
    const fromFolder = await loadModel(join(root, 'qwen2'));
    const ids = [[1, 40, 250, 7]];
    expect(Array.from(await fromGguf.forward(ids).data())).toEqual(
      Array.from(await fromFolder.forward(ids).data()),
    );
    fromGguf.dispose();
    fromFolder.dispose();
  });

  it('eval run prompts a local Qwen model through its chat template', async () => {
    const data = join(root, 'lawbench');
    await mkdir(join(data, 'zero_shot'), { recursive: true });
    await mkdir(join(data, 'scorer-data'), { recursive: true });
    await writeFile(join(data, 'scorer-data', 'labels.json'), JSON.stringify({ labels: {} }));
    const items = [
      { instruction: '请选择正确答案。', question: '盗窃罪的法定刑？A.拘役 B.罚金', answer: '正确答案：A' },
      { instruction: '请选择正确答案。', question: '有期徒刑的期限？A.十年 B.五年', answer: '正确答案：B' },
    ];
    await writeFile(join(data, 'zero_shot', '1-2.json'), JSON.stringify(items));
    const result = await run([
      'eval',
      'run',
      '--model-dir',
      join(root, 'qwen3'),
      '--data',
      data,
      '--output',
      join(root, 'eval-out'),
      '--tasks',
      '1-2',
      '--json',
      '--backend',
      'cpu',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/chat template/);
    const predictions = JSON.parse(await readFile(join(root, 'eval-out', '1-2.json'), 'utf8'));
    expect(Object.keys(predictions)).toEqual(['0', '1']);
  });
});
