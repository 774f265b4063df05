/**
 * llama.cpp (the optional node-llama-cpp peer, `npm run bench:peers -w packages/llama-core`) runs the Qwen2, Qwen3
 * and InternLM2 GGUF exports and must give the golden logits, and tokenizes with an exported Qwen vocabulary as
 * Hugging Face `tokenizers` does. Skips with the reason printed when the peer is not installed.
 *
 * Tolerances as in llama-cpp.test.ts (F32 file, F32 KV cache: independent float32 implementations, ≤ 1e-5;
 * dropping Qwen2's biases moves the logits by 0.49, Qwen3's q/k norms by 0.32 — fixtures README §4).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { readGolden } from '@lawgpt/test-helpers/golden';
import { afterAll, describe, expect, it } from 'vitest';
import {
  disposeLlamaCpp,
  llamaCppDecodeSpeed,
  llamaCppLogits,
  loadLlamaCpp,
} from '../../bench/llama-cpp-peer.mjs';
import { createLlamaConfig } from '../config.js';
import { packS2 } from '../internlm2-pack.test-helpers.js';
import { loadModel } from '../load.js';
import { createRandomModel } from '../random-model.js';
import { exportGguf } from './export-gguf.js';
import type { GgufBpeVocabulary } from './gguf-bpe-vocabulary.js';

const peer = await loadLlamaCpp();
if (!peer.llama) console.warn(`[skip] llama.cpp families: ${peer.reason}`);
const describeWithPeer = peer.llama ? describe : describe.skip;
const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-gguf-families-llamacpp-'));

function maxAbsDiff(actual: Float32Array, expected: readonly number[]): number {
  let max = 0;
  for (let index = 0; index < expected.length; index++)
    max = Math.max(max, Math.abs(actual[index]! - expected[index]!));
  return max;
}

function logSumExp(values: Float32Array): number {
  const max = values.reduce((best, value) => Math.max(best, value), -Infinity);
  return max + Math.log(values.reduce((sum, value) => sum + Math.exp(value - max), 0));
}

const CASES = [
  { fixture: 'q2', label: 'qwen2 (q2)' },
  { fixture: 'q3', label: 'qwen3 (q3)' },
  { fixture: 's2', label: 'internlm2 (s2 packed)' },
] as const;

describeWithShared('llama.cpp runs the Qwen2 / Qwen3 / InternLM2 exports', ['fixtures/models'], () => {
  describeWithPeer(`node-llama-cpp ${peer.version ?? ''}`, () => {
    afterAll(() => disposeLlamaCpp());
    for (const { fixture, label } of CASES) {
      it(`${label}: every position's logits match the golden within 1e-5, greedy tokens equal`, async () => {
        const dir =
          fixture === 's2' ? join(scratch, 'internlm2') : sharedPath('fixtures/models', fixture, 'model');
        if (fixture === 's2') await packS2(dir);
        const model = await loadModel(dir);
        const path = join(scratch, `${fixture}.gguf`);
        await exportGguf({ model, path, dtype: 'F32' });
        model.dispose();
        const golden = readGolden(sharedPath('fixtures/models', fixture, 'golden.json')).base;
        let worst = 0;
        for (const record of golden.logits) {
          const tokens = record.input_ids[0]!;
          const rows: Float32Array[] = await llamaCppLogits({ ggufPath: path, tokens, positions: 'all' });
          rows.forEach((row, position) => {
            worst = Math.max(worst, maxAbsDiff(row.subarray(0, 8), record.logits_first8[0]![position]!));
            worst = Math.max(worst, Math.abs(logSumExp(row) - record.logsumexp[0]![position]!));
            expect(row.indexOf(Math.max(...row))).toBe(record.argmax[0]![position]);
          });
          worst = Math.max(worst, maxAbsDiff(rows.at(-1)!, record.last_logits));
        }
        console.log(`[llama.cpp ${label}] max |Δ logits| ${worst.toExponential(2)}`);
        expect(worst).toBeLessThanOrEqual(1e-5);
        const result = await llamaCppDecodeSpeed({
          ggufPath: path,
          promptTokens: golden.greedy.prompt,
          tokens: golden.greedy.new_tokens.length - 1,
          threads: 1,
          kvCacheType: 'F32',
        });
        expect(result.generated).toEqual(golden.greedy.new_tokens);
      });
    }
  });
});

interface TokenizerJson {
  model: { vocab: Record<string, number>; merges: Array<string | [string, string]> };
  added_tokens: Array<{ id: number; content: string; special: boolean }>;
  pre_tokenizer: unknown;
}

/**
 * The `gpt2` vocabulary llama.cpp's converter writes for a byte-level `tokenizer.json` (get_vocab_base): model
 * pieces NORMAL, special added tokens (and ones that look like `<|…|>`) CONTROL, other added tokens USER_DEFINED,
 * merges as `"a b"`. Written here from the converter's rules, independently of @lawgpt/tokenizer-legal.
 */
function converterVocabulary(json: TokenizerJson): GgufBpeVocabulary {
  const tokens: string[] = [];
  const tokenTypes: number[] = [];
  for (const [piece, id] of Object.entries(json.model.vocab)) {
    tokens[id] = piece;
    tokenTypes[id] = 1;
  }
  for (const { id, content, special } of json.added_tokens) {
    tokens[id] = content;
    tokenTypes[id] = special || (content.startsWith('<|') && content.endsWith('|>')) ? 3 : 4;
  }
  const merges = json.model.merges.map((merge) => (typeof merge === 'string' ? merge : merge.join(' ')));
  return { model: 'gpt2', pre: 'qwen2', tokens, tokenTypes, merges, eosId: 151645, padId: 151643 };
}

interface GoldenRecord {
  id: string;
  text: string;
  qwen3: { ids: number[]; decoded: string };
}

describeWithShared(
  'llama.cpp tokenizes with an exported Qwen vocabulary',
  ['fixtures/tokenizers/qwen3'],
  () => {
    describeWithPeer(`node-llama-cpp ${peer.version ?? ''}`, () => {
      afterAll(() => disposeLlamaCpp());

      it("gives HF tokenizers' ids and decoded text for the 305 golden strings", async () => {
        const json: TokenizerJson = JSON.parse(
          readFileSync(sharedPath('fixtures/tokenizers/qwen3/tokenizer.json'), 'utf8'),
        );
        const vocabulary = converterVocabulary(json);
        const config = createLlamaConfig({
          modelType: 'qwen2',
          vocabSize: vocabulary.tokens.length,
          hiddenSize: 16,
          intermediateSize: 16,
          numHiddenLayers: 1,
          numAttentionHeads: 2,
          tieWordEmbeddings: true,
          bosTokenId: 151643,
          eosTokenId: 151645,
        });
        const model = await createRandomModel(config, { seed: 1 });
        const path = join(scratch, 'qwen3-vocab.gguf');
        await exportGguf({ model, path, vocabulary: { ...vocabulary, addBosToken: false }, dtype: 'F16' });
        model.dispose();
        const records: GoldenRecord[] = readFileSync(
          sharedPath('fixtures/tokenizers/qwen3/golden-dev.jsonl'),
          'utf8',
        )
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line));
        // loaded again: the suite above disposed the shared instance
        const llama = (await loadLlamaCpp()).llama as {
          loadModel(options: { modelPath: string }): Promise<{
            tokenize(text: string, specialTokens: boolean): number[];
            detokenize(tokens: readonly number[], specialTokens: boolean): string;
            dispose(): Promise<void>;
          }>;
        };
        const loaded = await llama.loadModel({ modelPath: path });
        try {
          const same = (text: string, ids: number[]) =>
            JSON.stringify(Array.from(loaded.tokenize(text, false))) === JSON.stringify(ids);
          const idsDiffer = records.filter((record) => !same(record.text, record.qwen3.ids));
          // tokenizer.json normalizes to NFC; llama.cpp (like the converter's file) does not normalize.
          const afterNfc = idsDiffer.filter(
            (record) => !same(record.text.normalize('NFC'), record.qwen3.ids),
          );
          const decodedDiffer = records.filter(
            (record) => loaded.detokenize(record.qwen3.ids, false) !== record.qwen3.decoded,
          );
          console.log(
            `[llama.cpp qwen3 vocabulary] ids equal ${records.length - idsDiffer.length}/${records.length} ` +
              `(${records.length - afterNfc.length}/${records.length} with NFC input: ${idsDiffer.map((r) => r.id).join(', ')}), ` +
              `decoded equal ${records.length - decodedDiffer.length}/${records.length}`,
          );
          expect(afterNfc.map((record) => record.id)).toEqual([]);
          expect(idsDiffer.every((record) => record.text.normalize('NFC') !== record.text)).toBe(true);
          expect(decodedDiffer.map((record) => record.id)).toEqual([]);
        } finally {
          await loaded.dispose();
        }
      });
    });
  },
);
