import { type BackendName, type LlamaModel, type LoadModelOptions, loadModel } from '@lawgpt/llama-core';
import { applyLoraAdapter, type LoraAdapter, loadLoraAdapter } from '@lawgpt/lora';
import { loadTokenizer } from '@lawgpt/tokenizer-legal';

/** The tokenizer type every command uses. */
export type CliTokenizer = Awaited<ReturnType<typeof loadTokenizer>>;

/** Options for {@link loadRuntime}. */
export interface LoadRuntimeOptions {
  /** HF model folder. */
  modelDir: string;
  /** `tokenizer.model`, `tokenizer.json` or a folder; default the model folder. */
  tokenizerPath?: string;
  /** PEFT LoRA folder applied on top (unmerged). */
  adapterDir?: string;
  backend?: BackendName;
  /** Loading progress (bytes read, rate, ETA). */
  onLoadProgress?: LoadModelOptions['onProgress'];
}

/** A loaded model with its tokenizer and optional adapter. */
export interface Runtime {
  model: LlamaModel;
  tokenizer: CliTokenizer;
  adapter?: LoraAdapter;
}

/**
 * Load model, tokenizer and adapter, and check they agree: a tokenizer with more ids than the model's
 * vocabulary (an extended tokenizer on an un-resized model) is an error naming both sizes.
 */
export async function loadRuntime({
  modelDir,
  tokenizerPath,
  adapterDir,
  backend,
  onLoadProgress,
}: LoadRuntimeOptions): Promise<Runtime> {
  const tokenizer = await loadTokenizer(tokenizerPath ?? modelDir);
  const model = await loadModel(modelDir, { backend, onProgress: onLoadProgress });
  let adapter: LoraAdapter | undefined;
  if (adapterDir) {
    adapter = await loadLoraAdapter(adapterDir, { model });
    await applyLoraAdapter(model, adapter);
  }
  if (tokenizer.vocabSize > model.config.vocabSize) {
    model.dispose();
    throw new Error(
      `tokenizer ${tokenizerPath ?? modelDir} has ${tokenizer.vocabSize} ids but the model ${modelDir} has a ` +
        `vocabulary of ${model.config.vocabSize}: resize the model (lawgpt pretrain does it) or use its tokenizer`,
    );
  }
  return { model, tokenizer, adapter };
}
