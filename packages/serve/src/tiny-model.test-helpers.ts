// A tiny random LLaMA saved in HF format with its tokenizer, for the tests (made here, no ../shared needed).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { alpacaChineseTemplate, toChatTemplate } from '@lawgpt/lora';
import { createCharacterTokenizer, saveChatTemplate } from '@lawgpt/tokenizer-legal';

export const TINY_TEXTS = [
  '《刑法》第二百六十四条规定了什么？盗窃公私财物，数额较大的，处三年以下有期徒刑、拘役或者管制。',
  alpacaChineseTemplate.withInput,
  'user: assistant: system 你是法律助手。甲偷了钱包，构成什么罪？答：甲构成盗窃罪',
];

/** Options of {@link saveTinyModel}. */
export interface TinyModelOptions {
  /** `max_position_embeddings` (default 256). */
  context?: number;
  /** Record the alpaca-zh chat template in tokenizer_config.json (default true). */
  chatTemplate?: boolean;
  hiddenSize?: number;
  layers?: number;
  seed?: number;
}

/** Save a tiny model folder (config.json, safetensors, tokenizer) and return it with a cleanup function. */
export async function saveTinyModel({
  context = 256,
  chatTemplate = true,
  hiddenSize = 32,
  layers = 1,
  seed = 5,
}: TinyModelOptions = {}): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lawgpt-serve-model-'));
  const tokenizer = createCharacterTokenizer({ texts: TINY_TEXTS });
  const config = createLlamaConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize,
    intermediateSize: hiddenSize * 2,
    numHiddenLayers: layers,
    numAttentionHeads: 2,
    numKeyValueHeads: 2,
    maxPositionEmbeddings: context,
  });
  const model = await createRandomModel(config, { seed, backend: 'cpu' });
  await model.save(dir);
  model.dispose();
  await tokenizer.save(dir);
  if (chatTemplate) await saveChatTemplate({ dir, template: toChatTemplate(alpacaChineseTemplate) });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
