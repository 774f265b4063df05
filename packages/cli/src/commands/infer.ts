import { generate, type LlamaModel } from '@lawgpt/llama-core';
import { chatPromptOptions, checkChatPromptOptions, promptTokenizer } from '../chat-prompts.js';
import { type Command, type CommandIO, type ParsedArgs, UsageError } from '../command.js';
import { loadProgressPrinter } from '../load-progress.js';
import { BACKEND_NAMES, KV_DTYPES } from '../option-choices.js';
import { choiceValue, dtypeValue, repeatedValues, requireString, stringValue } from '../option-values.js';
import { backendOption, type CliTokenizer, dtypeOption, loadRuntime } from '../runtime.js';
import { DEFAULT_SEED } from '../seed.js';

import { readBatchJob, runBatch, type Sampling } from './infer-batch.js';

/** `lawgpt infer`: generate from a local HF LLaMA folder, streaming one prompt or a JSONL batch. */
export const inferCommand: Command = {
  name: 'infer',
  summary: 'Generate text with a local LLaMA model (streamed prompt, or a resumable JSONL batch)',
  usage:
    'lawgpt infer --model DIR [--adapter DIR] [--tokenizer PATH] (--prompt TEXT | --input FILE.jsonl --output FILE.jsonl) [options]',
  options: {
    model: {
      short: 'm',
      type: 'string',
      valueName: 'DIR',
      description: 'Hugging Face model folder (config.json + safetensors)',
    },
    tokenizer: {
      short: 't',
      type: 'string',
      valueName: 'PATH',
      description: 'tokenizer.model / tokenizer.json or a folder (default: the model folder)',
    },
    prompt: {
      short: 'p',
      type: 'string',
      valueName: 'TEXT',
      description: 'Prompt to continue; the text is streamed to stdout',
    },
    input: {
      short: 'i',
      type: 'string',
      valueName: 'FILE',
      description: 'JSONL of {"id"?, "prompt"} records (batch mode)',
    },
    output: {
      short: 'o',
      type: 'string',
      valueName: 'FILE',
      description: 'JSONL of {id, prompt, output, finish_reason, tokens}; written atomically, resumed',
    },
    'max-new-tokens': {
      short: 'n',
      type: 'string',
      valueName: 'N',
      default: '256',
      description: 'New tokens at most',
    },
    temperature: {
      short: 'T',
      type: 'string',
      valueName: 'T',
      description: 'Sampling temperature (0 or absent = greedy)',
    },
    'top-k': {
      short: 'k',
      type: 'string',
      valueName: 'K',
      description: 'Sample from the K most likely tokens',
    },
    'top-p': {
      short: 'P',
      type: 'string',
      valueName: 'P',
      description: 'Nucleus sampling mass',
    },
    'repetition-penalty': {
      short: 'r',
      type: 'string',
      valueName: 'R',
      description: 'HF repetition penalty (1 = off)',
    },
    'num-beams': {
      short: 'b',
      type: 'string',
      valueName: 'N',
      description: 'Beam search with N beams',
    },
    stop: {
      short: 's',
      type: 'string',
      multiple: true,
      valueName: 'TEXT',
      description: 'Stop string (repeatable)',
    },
    seed: {
      short: 'S',
      type: 'string',
      valueName: 'N',
      default: String(DEFAULT_SEED),
      description: 'Sampling seed (a batch samples batch i from seed + i)',
    },
    adapter: {
      short: 'a',
      type: 'string',
      valueName: 'DIR',
      description: 'PEFT LoRA adapter applied on top of the model (unmerged)',
    },
    dtype: dtypeOption,
    'kv-dtype': {
      type: 'string',
      valueName: 'TYPE',
      choices: KV_DTYPES,
      default: 'f32',
      description: 'KV cache element type (f16: half the memory, as llama.cpp --cache-type-k/v f16)',
    },
    ...chatPromptOptions,
    backend: { ...backendOption, short: 'B' },
    'batch-size': {
      short: 'z',
      type: 'string',
      valueName: 'N',
      default: '4',
      description: 'Batch mode: prompts decoded together (left-padded); records are saved per batch',
    },
    'no-bos': { short: 'N', multiple: false, type: 'boolean', description: 'Do not prepend BOS to prompts' },
    'allow-long-context': {
      type: 'boolean',
      description:
        "Generate past the model's max_position_embeddings (default: stop there, finish_reason length); the warning names the RoPE scaling in use",
    },
  },
  details: `Examples (from the repository root, after npm run demo):
  lawgpt infer --model lawgpt-demo/merged-model --prompt "《刑法》第二百六十四条规定了什么？" --temperature 0.7 --top-p 0.9
  printf '%s\\n' '{"prompt":"什么是盗窃罪？"}' '{"prompt":"刑法第二百六十七条是怎么规定的？"}' > lawgpt-demo/questions.jsonl
  lawgpt infer --model lawgpt-demo/merged-model --input lawgpt-demo/questions.jsonl --output lawgpt-demo/answers.jsonl
A batch appends finished records to FILE.partial and renames it to FILE at the end; rerunning
skips records already in FILE.partial (or FILE). The tokenizer must have exactly the model's vocabulary.
A model with a chat_template (lawgpt sft and merge record it) gets each prompt as a user turn of it, as
lawgpt serve frames a chat; --raw continues the prompt as plain text, --template NAME|FILE picks another.`,
  async run(args, io) {
    const values = args.values;
    const modelDir = requireString(values.model, '--model');
    const batch = values.input !== undefined || values.output !== undefined;
    if (batch === (values.prompt !== undefined))
      throw new UsageError('give either --prompt or --input with --output');
    if (batch && (values.input === undefined || values.output === undefined)) {
      throw new UsageError('--input and --output go together');
    }
    const sampling = samplingOptions(args);
    checkChatPromptOptions(values);
    const backend = choiceValue(values.backend, '--backend', BACKEND_NAMES);
    const tokenizerPath = stringValue(values.tokenizer);
    const adapterDir = stringValue(values.adapter);
    const job = batch ? await readBatchJob(values) : undefined;
    sampling.onWarning = (message) => io.stderr(`warning: ${message}\n`);
    const progress = loadProgressPrinter({ write: io.stderr });
    const runtime = await loadRuntime({
      modelDir,
      tokenizerPath,
      adapterDir,
      backend,
      dtype: dtypeValue(values.dtype, '--dtype'),
      onLoadProgress: progress.update,
    }).finally(progress.end);
    const model = runtime.model;
    const tokenizer = await promptTokenizer({
      tokenizer: runtime.tokenizer,
      template: stringValue(values.template),
      raw: values.raw === true,
      locations: [tokenizerPath, adapterDir, modelDir],
      io,
    }).catch((error: Error) => {
      model.dispose();
      throw error;
    });
    const { numHiddenLayers, vocabSize, maxPositionEmbeddings } = model.config;
    io.stderr(
      `model ${modelDir} (${numHiddenLayers} layers, vocab ${vocabSize}, context ${maxPositionEmbeddings}) on ${model.backend?.name}\n`,
    );
    try {
      if (!job) return await streamPrompt(model, tokenizer, stringValue(values.prompt) ?? '', sampling, io);
      return await runBatch(model, tokenizer, job, sampling, io);
    } finally {
      model.dispose();
    }
  },
};

type Tokenizer = CliTokenizer;

async function streamPrompt(
  model: LlamaModel,
  tokenizer: Tokenizer,
  prompt: string,
  sampling: Sampling,
  io: CommandIO,
) {
  const started = performance.now();
  let tokens = 0;
  let reason = '';
  for await (const chunk of generate({ model, tokenizer, prompt, ...sampling })) {
    io.stdout(chunk.text);
    tokens += chunk.tokenIds.length;
    reason = chunk.finishReason ?? reason;
  }
  io.stdout('\n');
  const seconds = (performance.now() - started) / 1000;
  io.stderr(
    `${tokens} tokens in ${seconds.toFixed(1)} s (${(tokens / seconds).toFixed(1)} tokens/s), finish: ${reason}\n`,
  );
  return 0;
}

function samplingOptions({ values }: ParsedArgs): Sampling {
  const number = (key: string, integer = false): number | undefined => {
    const raw = values[key];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      throw new UsageError(
        `--${key} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`,
      );
    }
    return value;
  };
  return {
    maxNewTokens: number('max-new-tokens', true),
    temperature: number('temperature'),
    topK: number('top-k', true),
    topP: number('top-p'),
    repetitionPenalty: number('repetition-penalty'),
    numBeams: number('num-beams', true),
    seed: number('seed', true),
    stopStrings: repeatedValues(values.stop),
    addBos: values['no-bos'] !== true,
    allowLongContext: values['allow-long-context'] === true,
    kvCacheDtype: choiceValue(values['kv-dtype'], '--kv-dtype', KV_DTYPES) ?? 'f32',
  };
}
