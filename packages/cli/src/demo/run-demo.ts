import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildDatasetCard,
  buildKnowledgeInstructions,
  createKnowledgeBase,
  formatArticleLabel,
  formatDatasetCard,
  rougeLText,
  writeFileAtomic,
  writeInstructionDataset,
} from '@lawgpt/data-gen';
import {
  createLlamaConfig,
  createRandomModel,
  generate,
  type LlamaModel,
  loadModel,
  resizeTokenEmbeddings,
} from '@lawgpt/llama-core';
import {
  type AlpacaRecord,
  alpacaChineseTemplate,
  createLoraAdapter,
  createLoraConfig,
  formatPrompt,
  mergeLoraAdapter,
  packTexts,
  type TrainingProgress,
  toChatTemplate,
  tokenizeInstruction,
  trainCausalLm,
} from '@lawgpt/lora';
import {
  createCharacterTokenizer,
  extendTokenizer,
  saveChatTemplate,
  tokenStats,
} from '@lawgpt/tokenizer-legal';
import type { CommandIO } from '../command.js';
import { formatTrainingProgress } from '../progress.js';
import { DEFAULT_SEED } from '../seed.js';
import { demoLegalTerms, statuteExcerpt } from './statute-excerpt.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Folder for every artefact (data, tokenizer, models, adapter, predictions). */
  outputDir: string;
  /** Optimizer steps of the pretraining stage. Default 100. */
  pretrainSteps?: number;
  /** Optimizer steps of the instruction-tuning stage. Default 100. */
  sftSteps?: number;
  /** Seed of everything random. Default 42 (`DEFAULT_SEED`, as every command). */
  seed?: number;
  io: CommandIO;
}

/** What the demo measured. */
export interface DemoResult {
  articles: number;
  instructions: number;
  vocabulary: { base: number; extended: number };
  pretrainLoss: [number, number];
  sftLoss: [number, number];
  rougeBefore: number;
  rougeAfter: number;
}

const progressPrinter = (io: CommandIO, label: string) => (progress: TrainingProgress) => {
  if (progress.step % 25 !== 0 && progress.step !== progress.totalSteps) return;
  io.stderr(`  ${formatTrainingProgress(label, progress)}\n`);
};

/** Mean ROUGE-L F1 over jieba words of greedy answers against the references. */
async function answerScore(
  model: LlamaModel,
  tokenizer: Parameters<typeof generate>[0]['tokenizer'],
  records: AlpacaRecord[],
) {
  let total = 0;
  const answers: string[] = [];
  for (const record of records) {
    let text = '';
    const prompt = formatPrompt(record, alpacaChineseTemplate);
    for await (const chunk of generate({ model, tokenizer, prompt, maxNewTokens: 96 })) text += chunk.text;
    answers.push(text.trim());
    total += rougeLText(text.trim(), record.output);
  }
  return { score: total / records.length, answers };
}

/**
 * The LaWGPT recipe end to end on an embedded statute excerpt and a tiny model: knowledge base →
 * knowledge-driven instructions → tokenizer with a legal vocabulary → continued pretraining (vocabulary
 * resized) → LoRA instruction tuning → merge → evaluation. Runs in minutes on a laptop CPU.
 */
export async function runDemo({
  outputDir,
  pretrainSteps = 100,
  sftSteps = 100,
  seed = DEFAULT_SEED,
  io,
}: DemoOptions): Promise<DemoResult> {
  const say = (text: string) => io.stdout(`${text}\n`);
  await mkdir(join(outputDir, 'data'), { recursive: true });

  // 1. Knowledge base and knowledge-driven self-instruct (no teacher needed).
  const knowledgeBase = createKnowledgeBase({ markdown: [statuteExcerpt] });
  const law = knowledgeBase.laws()[0];
  const articles = knowledgeBase.articles(law.law);
  const records = buildKnowledgeInstructions({
    knowledgeBase,
    seed,
    templates: ['article-content', 'recitation'],
  });
  await writeInstructionDataset({ records, path: join(outputDir, 'data', 'instructions.json') });
  say(
    `1. knowledge base: ${articles.length} articles of ${law.law}; ${records.length} instructions → data/instructions.json`,
  );
  // the dataset card goes beside the data (the steps stay one line each)
  await writeFileAtomic(
    join(outputDir, 'data', 'dataset-card.md'),
    `${formatDatasetCard(buildDatasetCard({ records, name: 'demo', seed }))}\n`,
  );

  // 2. Tokenizer: characters of the corpus, then a legal vocabulary appended the Chinese-LLaMA way.
  const corpus = articles.map(
    (article) => `${law.law}${formatArticleLabel(article.number, article.suffix)}：${article.text}`,
  );
  const base = createCharacterTokenizer({
    texts: [...corpus, ...records.map((r) => r.instruction + r.output), alpacaChineseTemplate.withInput],
  });
  const { tokenizer, report } = extendTokenizer(base, demoLegalTerms);
  await tokenizer.save(join(outputDir, 'tokenizer'));
  const before = tokenStats(base, corpus);
  const after = tokenStats(tokenizer, corpus);
  say(
    `2. tokenizer: ${base.vocabSize} pieces + ${report.added} legal terms = ${tokenizer.vocabSize}; tokens per Han character ${before.tokensPerHanChar.toFixed(2)} → ${after.tokensPerHanChar.toFixed(2)}`,
  );

  // 3. A tiny LLaMA with the base vocabulary, then resized for the extended tokenizer while pretraining.
  const config = createLlamaConfig({
    vocabSize: base.vocabSize,
    hiddenSize: 128,
    intermediateSize: 344,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
    maxPositionEmbeddings: 512,
  });
  const baseModel = await createRandomModel(config, { seed });
  await baseModel.save(join(outputDir, 'base-model'));
  say(
    `3. base model: LLaMA ${config.hiddenSize}d × ${config.numHiddenLayers} layers (GQA ${config.numAttentionHeads}/${config.numKeyValueHeads}), backend ${baseModel.backend?.name}`,
  );
  await resizeTokenEmbeddings(baseModel, tokenizer.vocabSize);
  const blocks = packTexts(corpus, { tokenizer, blockSize: 128 });
  const pretrain = await trainCausalLm({
    model: baseModel,
    examples: blocks,
    outputDir: join(outputDir, 'pretrained'),
    batchSize: 4,
    maxSteps: pretrainSteps,
    learningRate: 3e-3,
    warmupSteps: 10,
    seed,
    saveEvery: 50,
    onProgress: progressPrinter(io, 'pretrain'),
  });
  say(
    `4. continued pretraining (full, vocabulary ${base.vocabSize} → ${tokenizer.vocabSize}): loss ${pretrain.history[0].loss.toFixed(3)} → ${pretrain.finalLoss.toFixed(3)} → pretrained/`,
  );

  // 4. LoRA instruction tuning on the knowledge-driven data, then merge.
  const model = await loadModel(join(outputDir, 'pretrained'));
  const examples = records.map((record) =>
    tokenizeInstruction(record, { tokenizer, template: alpacaChineseTemplate, cutoffLength: 384 }),
  );
  const heldIn = records.slice(0, 4);
  const { score: rougeBefore } = await answerScore(model, tokenizer, heldIn);
  const loraConfig = createLoraConfig({
    r: 16,
    loraAlpha: 32,
    loraDropout: 0,
    targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  });
  const adapter = createLoraAdapter({ model, config: loraConfig, seed });
  const sft = await trainCausalLm({
    model,
    adapter,
    examples,
    outputDir: join(outputDir, 'sft-adapter'),
    batchSize: 4,
    maxSteps: sftSteps,
    learningRate: 1e-2,
    warmupSteps: 10,
    seed,
    saveEvery: 50,
    onProgress: progressPrinter(io, 'sft'),
  });
  say(
    `5. LoRA SFT (r ${loraConfig.r}, ${adapter.modules.size} modules): loss ${sft.history[0].loss.toFixed(3)} → ${sft.finalLoss.toFixed(3)} → sft-adapter/ (PEFT format)`,
  );
  await mergeLoraAdapter(model, adapter);
  await model.save(join(outputDir, 'merged-model'));
  await tokenizer.save(join(outputDir, 'merged-model'));
  // the prompt format SFT used, as the chat_template lawgpt serve (and transformers, vLLM) frame chats with
  await saveChatTemplate({
    dir: join(outputDir, 'merged-model'),
    template: toChatTemplate(alpacaChineseTemplate),
  });
  say('6. merged adapter into the model → merged-model/ (HF format, with tokenizer)');

  // 5. Evaluate: the same questions before and after instruction tuning.
  const { score: rougeAfter, answers } = await answerScore(model, tokenizer, heldIn);
  const predictions = Object.fromEntries(
    heldIn.map((record, index) => [
      String(index),
      {
        origin_prompt: formatPrompt(record, alpacaChineseTemplate),
        prediction: answers[index],
        refr: record.output,
      },
    ]),
  );
  await writeFileAtomic(join(outputDir, 'predictions.json'), `${JSON.stringify(predictions, null, 2)}\n`);
  say(
    `7. ROUGE-L on ${heldIn.length} trained questions: ${rougeBefore.toFixed(3)} before SFT → ${rougeAfter.toFixed(3)} after → predictions.json (LawBench format)`,
  );
  say(`   Q: ${heldIn[0].instruction}\n   A: ${answers[0].slice(0, 120)}`);
  say(
    `\nNext: npx lawgpt serve --model ${join(outputDir, 'merged-model')}   (OpenAI-compatible API + chat page)`,
  );
  model.dispose();
  baseModel.dispose();
  return {
    articles: articles.length,
    instructions: records.length,
    vocabulary: { base: base.vocabSize, extended: tokenizer.vocabSize },
    pretrainLoss: [pretrain.history[0].loss, pretrain.finalLoss],
    sftLoss: [sft.history[0].loss, sft.finalLoss],
    rougeBefore,
    rougeAfter,
  };
}
