import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type FloatDtype, loadModel } from '@lawgpt/llama-core';
import { loadLoraAdapter, mergeLoraAdapter } from '@lawgpt/lora';
import { loadTokenizer } from '@lawgpt/tokenizer-legal';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';

const dtypes: FloatDtype[] = ['F32', 'F16', 'BF16'];

/** `lawgpt merge`: fold a LoRA adapter into its base model and save a plain HF model. */
export const mergeCommand: Command = {
  name: 'merge',
  summary: "Merge a LoRA adapter into the base model (PEFT's merge_and_unload) and save HF format",
  usage:
    'lawgpt merge --model DIR --adapter DIR --output DIR [--dtype F32|F16|BF16] [--max-shard-size BYTES]',
  options: {
    model: { type: 'string', short: 'm', valueName: 'DIR', description: 'Base model folder' },
    adapter: {
      type: 'string',
      short: 'a',
      valueName: 'DIR',
      description: 'PEFT LoRA folder (adapter_config.json + adapter_model.safetensors)',
    },
    output: { type: 'string', short: 'o', valueName: 'DIR', description: 'Folder for the merged model' },
    tokenizer: {
      type: 'string',
      short: 't',
      valueName: 'PATH',
      description: 'Tokenizer copied to the output (default: adapter folder, else model folder)',
    },
    dtype: {
      type: 'string',
      valueName: 'DTYPE',
      default: 'F32',
      description: 'Stored dtype: F32, F16 or BF16',
    },
    'max-shard-size': {
      type: 'string',
      valueName: 'BYTES',
      description: 'Shard the safetensors above this size',
    },
  },
  async run({ values }, io) {
    if (!values.model || !values.adapter || !values.output)
      throw new UsageError('--model, --adapter and --output are required');
    const dtype = values.dtype as FloatDtype;
    if (!dtypes.includes(dtype))
      throw new UsageError(`--dtype must be one of ${dtypes.join(', ')}, got ${dtype}`);
    const maxShardSize =
      values['max-shard-size'] === undefined ? undefined : Number(values['max-shard-size']);
    const model = await loadModel(values.model as string);
    const adapter = await loadLoraAdapter(values.adapter as string, { model });
    await mergeLoraAdapter(model, adapter);
    const files = await model.save(values.output as string, { dtype, maxShardSize });
    const tokenizerPath = await findTokenizer(values.tokenizer as string | undefined, [
      values.adapter as string,
      values.model as string,
    ]);
    if (tokenizerPath) await (await loadTokenizer(tokenizerPath)).save(values.output as string);
    else io.stderr('merge: no tokenizer found in the adapter or model folder; none copied\n');
    io.stdout(
      `merged ${adapter.modules.size} LoRA modules into ${values.output} (${files.length} files, ${dtype})\n`,
    );
    model.dispose();
    return 0;
  },
};

/** The explicit tokenizer, else the first folder holding `tokenizer.model` or `tokenizer.json`. */
async function findTokenizer(explicit: string | undefined, folders: string[]): Promise<string | undefined> {
  if (explicit) return explicit;
  return folders.find((folder) =>
    ['tokenizer.model', 'tokenizer.json'].some((file) => existsSync(join(folder, file))),
  );
}
