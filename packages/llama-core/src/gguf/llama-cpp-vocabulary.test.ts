/**
 * The vocabulary half of the GGUF export, checked in llama.cpp: the fixtures' SentencePiece models (LLaMA-2, 32000
 * pieces; Chinese-LLaMA, 49953) go through `ggufVocabularyFromPieces` into a GGUF file, and llama.cpp's own
 * tokenizer must reproduce sentencepiece's golden ids and decoded text for every golden-dev string. Needs the
 * optional node-llama-cpp peer (`npm run bench:peers -w packages/llama-core`); skips with the reason otherwise.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeLlamaCpp, loadLlamaCpp } from '../../bench/llama-cpp-peer.mjs';
import { createLlamaConfig } from '../config.js';
import { createRandomModel } from '../random-model.js';
import { exportGguf } from './export-gguf.js';
import { ggufVocabularyFromPieces, type VocabularyPiece } from './gguf-vocabulary.js';

/** The pieces of a serialized SentencePiece `ModelProto` (field 1: piece = 1, score = 2, type = 3). */
function readPieces(bytes: Uint8Array): VocabularyPiece[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }); // a piece may be U+FEFF itself
  let position = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[position++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const skip = (wire: number) => {
    if (wire === 0) varint();
    else if (wire === 1) position += 8;
    else if (wire === 5) position += 4;
    else if (wire === 2) {
      const length = varint(); // read before `position` is: `position += varint()` would use the old position
      position += length;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  };
  const pieces: VocabularyPiece[] = [];
  while (position < bytes.length) {
    const key = varint();
    if (key !== ((1 << 3) | 2)) {
      skip(key & 7);
      continue;
    }
    const end = varint() + position;
    const entry: VocabularyPiece = { piece: '', score: 0, type: 1 };
    while (position < end) {
      const field = varint();
      if (field === ((1 << 3) | 2)) {
        const length = varint();
        entry.piece = text.decode(bytes.subarray(position, position + length));
        position += length;
      } else if (field === ((2 << 3) | 5)) {
        entry.score = view.getFloat32(position, true);
        position += 4;
      } else if (field === ((3 << 3) | 0)) entry.type = varint();
      else skip(field & 7);
    }
    pieces.push(entry);
  }
  return pieces;
}

interface GoldenRecord {
  id: string;
  text: string;
  llama2: { ids: number[]; decoded: string };
  chinese_llama: { ids: number[]; decoded: string };
}

interface LlamaCppModel {
  tokenize(text: string, specialTokens: boolean): number[];
  detokenize(tokens: readonly number[], specialTokens: boolean): string;
  dispose(): Promise<void>;
}

const peer = await loadLlamaCpp();
if (!peer.llama) console.warn(`[skip] llama.cpp GGUF vocabulary: ${peer.reason}`);
const describeWithPeer = peer.llama ? describe : describe.skip;
const scratch = mkdtempSync(join(tmpdir(), 'lawgpt-gguf-vocab-'));

describeWithShared(
  'llama.cpp tokenizes with the exported vocabulary',
  ['fixtures/tokenizers/golden-dev.jsonl', 'fixtures/tokenizers/llama2', 'fixtures/tokenizers/chinese-llama'],
  () => {
    describeWithPeer(`node-llama-cpp ${peer.version ?? ''}`, () => {
      afterAll(() => disposeLlamaCpp());

      for (const [name, key] of [
        ['llama2', 'llama2'],
        ['chinese-llama', 'chinese_llama'],
      ] as const) {
        it(`${name}: every golden-dev string gives sentencepiece's ids and decoded text`, async () => {
          const pieces = readPieces(readFileSync(sharedPath(`fixtures/tokenizers/${name}/tokenizer.model`)));
          const vocabulary = ggufVocabularyFromPieces(pieces, {
            unkId: 0,
            bosId: 1,
            eosId: 2,
            addBosToken: true,
          });
          // A tiny random model carries the vocabulary: only the tokenizer is under test here.
          const config = createLlamaConfig({
            vocabSize: pieces.length,
            hiddenSize: 16,
            intermediateSize: 16,
            numHiddenLayers: 1,
            numAttentionHeads: 2,
          });
          const model = await createRandomModel(config, { seed: 1 });
          const path = join(scratch, `${name}.gguf`);
          await exportGguf({ model, path, vocabulary, dtype: 'F16' });
          model.dispose();
          const records: GoldenRecord[] = readFileSync(
            sharedPath('fixtures/tokenizers/golden-dev.jsonl'),
            'utf8',
          )
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line));
          const llama = peer.llama as { loadModel(options: { modelPath: string }): Promise<LlamaCppModel> };
          const loaded = await llama.loadModel({ modelPath: path });
          try {
            const idsDiffer = records.filter(
              (record) =>
                JSON.stringify(Array.from(loaded.tokenize(record.text, false))) !==
                JSON.stringify(record[key].ids),
            );
            const decodedDiffer = records.filter(
              (record) => loaded.detokenize(record[key].ids, false) !== record[key].decoded,
            );
            console.log(
              `[llama.cpp ${name}] ${records.length - idsDiffer.length}/${records.length} ids equal, ` +
                `${records.length - decodedDiffer.length}/${records.length} decoded equal`,
            );
            expect(idsDiffer.map((record) => record.id)).toEqual([]);
            expect(decodedDiffer.map((record) => record.id)).toEqual([]);
          } finally {
            await loaded.dispose();
          }
        });
      }
    });
  },
);
