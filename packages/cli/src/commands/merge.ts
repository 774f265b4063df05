import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  checkVocabularies,
  type ExportGgufDtype,
  exportGguf,
  type FloatDtype,
  type GgufBpeVocabulary,
  type GgufVocabulary,
  type GgufWriteProgress,
  ggufVocabularyFromPieces,
  type LlamaModel,
  loadModel,
  readModelConfig,
} from '@lawgpt/llama-core';
import { loadLoraAdapter, mergeLoraAdapter } from '@lawgpt/lora';
import { findChatTemplate } from '@lawgpt/serve';
import {
  ByteLevelBpeTokenizer,
  loadTokenizer,
  saveChatTemplate,
  toGgufBpe,
  toGgufVocabulary,
} from '@lawgpt/tokenizer-legal';
import type { Command, CommandIO } from '../command.js';
import { UsageError } from '../command.js';
import { runInterruptible } from '../interrupt.js';
import { FLOAT_DTYPES, GGUF_DTYPES } from '../option-choices.js';
import { choiceValue, type OptionValue, stringValue } from '../option-values.js';
import { formatProgress } from '../progress.js';
import { type CliTokenizer, checkTokenizerFits } from '../runtime.js';
import { carryTrainingData } from './training-provenance.js';

/** `lawgpt merge`: fold a LoRA adapter into its base model; save a plain HF model and/or a llama.cpp GGUF file. */
export const mergeCommand: Command = {
  name: 'merge',
  summary:
    "Merge a LoRA adapter into the base model (PEFT's merge_and_unload); save HF format and/or GGUF for llama.cpp",
  usage:
    'lawgpt merge --model DIR [--adapter DIR] (--output DIR | --gguf FILE | both) [--dtype F32|F16|BF16] [--type F32|F16|BF16|Q8_0|Q4_0] [--max-shard-size BYTES]',
  options: {
    model: { type: 'string', short: 'm', valueName: 'DIR', description: 'Base model folder' },
    adapter: {
      type: 'string',
      short: 'a',
      valueName: 'DIR',
      description:
        'PEFT LoRA folder (adapter_config.json + adapter_model.safetensors); optional with --gguf (exports the model as is)',
    },
    output: {
      type: 'string',
      short: 'o',
      valueName: 'DIR',
      description: 'Folder for the merged model in Hugging Face format (safetensors + tokenizer)',
    },
    gguf: {
      type: 'string',
      short: 'g',
      valueName: 'FILE',
      description:
        'Also (or only) write a GGUF file for llama.cpp / Ollama / LM Studio, vocabulary from the tokenizer',
    },
    tokenizer: {
      type: 'string',
      short: 't',
      valueName: 'PATH',
      description:
        'Tokenizer copied to --output and used as the GGUF vocabulary (default: adapter folder, else model folder)',
    },
    dtype: {
      type: 'string',
      valueName: 'DTYPE',
      choices: FLOAT_DTYPES,
      default: 'F32',
      description: 'Stored dtype of --output (also the GGUF type when --type is not given)',
    },
    type: {
      type: 'string',
      valueName: 'TYPE',
      choices: GGUF_DTYPES,
      description: 'GGUF tensor type (default: --dtype), quantized as llama.cpp does (norms stay F32)',
    },
    name: {
      type: 'string',
      valueName: 'NAME',
      description: 'general.name of the GGUF file (default: the --gguf file name without .gguf)',
    },
    'max-shard-size': {
      type: 'string',
      valueName: 'BYTES',
      description: 'Shard the safetensors above this size (--output)',
    },
  },
  details: [
    'Examples (from the repository root, after npm run demo):',
    '  lawgpt merge -m lawgpt-demo/pretrained -a lawgpt-demo/sft-adapter -t lawgpt-demo/tokenizer -o lawgpt-demo/merged',
    '  lawgpt merge -m lawgpt-demo/pretrained -a lawgpt-demo/sft-adapter -t lawgpt-demo/tokenizer \\',
    '      --gguf lawgpt-demo/lawgpt-f16.gguf --dtype F16',
    '  lawgpt merge -m lawgpt-demo/merged-model --gguf lawgpt-demo/lawgpt.gguf            # a plain model to GGUF',
    '  lawgpt merge -m lawgpt-demo/merged-model --gguf lawgpt-demo/lawgpt-q8.gguf --type q8_0',
    'Without a tokenizer the GGUF file gets a placeholder vocabulary: it loads in llama.cpp, but text is meaningless.',
  ].join('\n'),
  async run({ values }, io) {
    const options = checkOptions(values);
    const written: string[] = [];
    return runInterruptible(
      'merge',
      io,
      {
        finishing: 'finishing the current tensor',
        stopped: () =>
          `${written.length ? `complete: ${written.join(', ')}; ` : ''}nothing partial is left; rerun the same command`,
      },
      (signal) => merge(options, io, signal, written),
    );
  },
};

/** The merge and export steps; `signal` stops them between steps (GGUF: between tensors), nothing half-written. */
async function merge(options: MergeOptions, io: CommandIO, signal: AbortSignal, written: string[]) {
  const tokenizerPath = findTokenizer(options.tokenizer, [options.adapter, options.model]);
  const tokenizer = tokenizerPath ? await loadTokenizer(tokenizerPath) : undefined;
  // an adapter may resize the vocabulary, so with one the check waits until it is merged
  if (tokenizer && tokenizerPath && !options.adapter)
    await checkTokenizerFits(tokenizer, tokenizerPath, options.model);
  // Convert before the model loads, so an unusable tokenizer fails fast.
  const vocabulary = options.gguf && tokenizer ? await ggufVocabulary(tokenizer, options.model) : undefined;
  signal.throwIfAborted();
  const model = await loadModel(options.model);
  try {
    let merged = 0;
    if (options.adapter) {
      const adapter = await loadLoraAdapter(options.adapter, { model });
      signal.throwIfAborted();
      await mergeLoraAdapter(model, adapter);
      merged = adapter.modules.size;
    }
    if (tokenizer) {
      checkVocabularies({
        tokenizerVocabSize: tokenizer.vocabSize,
        modelVocabSize: model.config.vocabSize,
        tokenizer: tokenizerPath,
        model: options.adapter ? `${options.model} merged with ${options.adapter}` : options.model,
      });
    }
    const what = options.adapter ? `merged ${merged} LoRA modules into` : 'exported';
    if (options.gguf) {
      if (!tokenizer) {
        io.stderr(
          'merge: warning: no tokenizer found (give --tokenizer); the GGUF file gets a placeholder vocabulary, ' +
            'so text in llama.cpp will be meaningless\n',
        );
      }
      const result = await writeGgufFile(
        model,
        options.gguf,
        options.ggufDtype,
        vocabulary,
        options.name,
        io,
        signal,
      ).catch((error: Error) => {
        // exportGguf names both sizes (`vocabulary.tokens must be N entries …, got M`); add which tokenizer.
        if (tokenizerPath && error.message.startsWith('vocabulary.'))
          throw new Error(`GGUF vocabulary from ${tokenizerPath}: ${error.message}`, { cause: error });
        throw error;
      });
      const source = tokenizerPath ? `vocabulary from ${tokenizerPath}` : 'placeholder vocabulary';
      io.stdout(
        `${what} ${result.path} (GGUF, ${result.tensors} tensors, ${options.ggufDtype}, ${source}, ${result.bytes} bytes)\n`,
      );
      written.push(result.path);
    }
    if (options.output) {
      signal.throwIfAborted();
      const files = await model.save(options.output, {
        dtype: options.dtype,
        maxShardSize: options.maxShardSize,
      });
      if (tokenizer) await tokenizer.save(options.output);
      else io.stderr('merge: no tokenizer found in the adapter or model folder; none copied\n');
      // carry the chat template the adapter was trained with (lawgpt sft records it) into the merged model
      const chat = await findChatTemplate({
        tokenizer,
        locations: [options.tokenizer, options.adapter, options.model],
      });
      if (chat) await saveChatTemplate({ dir: options.output, template: chat.template });
      else
        io.stderr(
          'merge: no chat_template in the tokenizer, adapter or model folder; lawgpt serve will warn\n',
        );
      await carryTrainingData([options.adapter, options.model], options.output);
      io.stdout(`${what} ${options.output} (${files.length} files, ${options.dtype})\n`);
    }
  } finally {
    model.dispose();
  }
  return 0;
}

interface MergeOptions {
  model: string;
  adapter?: string;
  output?: string;
  gguf?: string;
  tokenizer?: string;
  name?: string;
  dtype: FloatDtype;
  ggufDtype: ExportGgufDtype;
  maxShardSize?: number;
}

/** Validate the flag combination; every mistake is a {@link UsageError}. */
function checkOptions(values: Record<string, OptionValue>): MergeOptions {
  const text = (key: string) => stringValue(values[key]);
  const model = text('model');
  const adapter = text('adapter');
  const output = text('output');
  const gguf = text('gguf');
  if (!model) throw new UsageError('--model is required');
  if (!output && !gguf) throw new UsageError('give --output DIR (HF folder), --gguf FILE, or both');
  if (!adapter && !gguf) {
    throw new UsageError(
      '--adapter is required with --output only (nothing to merge); use --gguf to export a model as is',
    );
  }
  const dtype = choiceValue(values.dtype, '--dtype', FLOAT_DTYPES) ?? 'F32';
  const ggufDtype = choiceValue(values.type, '--type', GGUF_DTYPES) ?? dtype;
  if (text('type') !== undefined && !gguf)
    throw new UsageError('--type is the GGUF tensor type; give --gguf FILE');
  const shard = text('max-shard-size');
  const maxShardSize = shard === undefined ? undefined : Number(shard);
  if (maxShardSize !== undefined && !(Number.isInteger(maxShardSize) && maxShardSize > 0)) {
    throw new UsageError(`--max-shard-size must be a positive number of bytes, got ${shard}`);
  }
  return {
    model,
    adapter,
    output,
    gguf,
    tokenizer: text('tokenizer'),
    name: text('name'),
    dtype,
    ggufDtype,
    maxShardSize,
  };
}

/** The explicit tokenizer, else the first folder holding `tokenizer.model` or `tokenizer.json`. */
function findTokenizer(explicit: string | undefined, folders: Array<string | undefined>): string | undefined {
  if (explicit) return explicit;
  return folders.find(
    (folder) =>
      folder !== undefined &&
      ['tokenizer.model', 'tokenizer.json'].some((file) => existsSync(join(folder, file))),
  );
}

/** The tokenizer's pieces as a GGUF `llama` vocabulary (tokenizer-legal gives plain pieces, llama-core checks them). */
async function ggufVocabulary(
  tokenizer: CliTokenizer,
  modelDir: string,
): Promise<GgufVocabulary | GgufBpeVocabulary> {
  // a byte-level BPE (Qwen) gives a `gpt2` vocabulary, padded with unused ids to the model's rows as the converter
  if (tokenizer instanceof ByteLevelBpeTokenizer)
    return toGgufBpe(tokenizer, { vocabSize: (await readModelConfig(modelDir)).vocabSize });
  const { pieces, ...ids } = toGgufVocabulary(tokenizer);
  return ggufVocabularyFromPieces(pieces, ids);
}

/** Export with a progress line on stderr; Ctrl-C stops between tensors and leaves no file. */
async function writeGgufFile(
  model: LlamaModel,
  path: string,
  dtype: ExportGgufDtype,
  vocabulary: GgufVocabulary | GgufBpeVocabulary | undefined,
  name: string | undefined,
  io: CommandIO,
  signal: AbortSignal,
) {
  const started = performance.now();
  const onProgress = ({ tensors, totalTensors, bytes, totalBytes }: GgufWriteProgress) => {
    const seconds = (performance.now() - started) / 1000;
    const megabytesPerSecond = bytes / 1e6 / Math.max(seconds, 1e-3);
    const line = formatProgress({
      label: 'gguf tensors',
      done: tensors,
      total: totalTensors,
      extra: { MB: Number((bytes / 1e6).toFixed(1)) },
      rate: [megabytesPerSecond, 'MB/s'],
      etaSeconds: (totalBytes - bytes) / 1e6 / Math.max(megabytesPerSecond, 1e-9),
    });
    io.stderr(`\r${line}   `);
  };
  try {
    return await exportGguf({
      model,
      path,
      dtype,
      vocabulary,
      name: name ?? basename(path).replace(/\.gguf$/i, ''),
      onProgress,
      signal,
    });
  } finally {
    io.stderr('\n');
  }
}
