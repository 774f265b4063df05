import {
  type BackendName,
  checkVocabularies,
  GgufFile,
  isGgufPath,
  type LlamaModel,
  type LoadModelOptions,
  loadModel,
  readGgufVocabulary,
  readModelConfig,
} from '@lawgpt/llama-core';
import { applyLoraAdapter, type LoraAdapter, loadLoraAdapter } from '@lawgpt/lora';
import { fromGgufPieces, loadTokenizer } from '@lawgpt/tokenizer-legal';

/** The tokenizer type a loaded runtime carries (SentencePiece or byte-level BPE). */
export type RuntimeTokenizer = Awaited<ReturnType<typeof loadTokenizer>>;

/**
 * The tokenizer at `path`: a `tokenizer.model` / `tokenizer.json` or a folder holding one, or a `.gguf` model
 * file, whose `tokenizer.ggml.*` vocabulary is rebuilt as the SentencePiece tokenizer it came from.
 */
export async function loadModelTokenizer(path: string): Promise<RuntimeTokenizer> {
  if (!isGgufPath(path)) return loadTokenizer(path);
  const file = await GgufFile.open(path);
  try {
    const vocabulary = readGgufVocabulary(file);
    const pieces = vocabulary.tokens.map((piece, id) => ({
      piece,
      score: vocabulary.scores[id]!,
      type: vocabulary.tokenTypes[id]!,
    }));
    return fromGgufPieces(
      {
        pieces,
        unkId: vocabulary.unkId,
        bosId: vocabulary.bosId,
        eosId: vocabulary.eosId,
        padId: vocabulary.padId,
      },
      { path, addSpacePrefix: vocabulary.addSpacePrefix },
    );
  } finally {
    await file.close();
  }
}

/** Options of {@link checkTokenizerFits}. */
export interface CheckTokenizerFitsOptions {
  tokenizer: RuntimeTokenizer;
  /** Where the tokenizer came from (for the error). */
  tokenizerSource: string;
  /** The model folder whose `config.json` gives the vocabulary size. */
  modelDir: string;
  /** Training that grows the model may have a tokenizer with more ids (default false). */
  resizes?: boolean;
}

/**
 * Check a tokenizer against the model folder's `config.json` before the weights load (llama-core's
 * `checkVocabularies`): refused when the model can generate ids the tokenizer cannot decode, or (unless
 * `resizes`, for training that grows the model) when the tokenizer has ids the model lacks.
 */
export async function checkTokenizerFits({
  tokenizer,
  tokenizerSource,
  modelDir,
  resizes = false,
}: CheckTokenizerFitsOptions): Promise<void> {
  const { vocabSize } = await readModelConfig(modelDir);
  checkVocabularies({
    tokenizerVocabSize: tokenizer.vocabSize,
    modelVocabSize: vocabSize,
    tokenizer: tokenizerSource,
    model: modelDir,
    resizes,
  });
}

/** Options for {@link loadRuntime}. */
export interface LoadRuntimeOptions {
  /** HF model folder or `.gguf` file. */
  modelDir: string;
  /** `tokenizer.model`, `tokenizer.json` or a folder; default the model folder. */
  tokenizerPath?: string;
  /** PEFT LoRA folder applied on top (unmerged). */
  adapterDir?: string;
  backend?: BackendName;
  /** Weight format (`auto`, `f32`, `bf16`, `f16`, `q8_0`, `q4_0`); default keeps the stored one. */
  dtype?: LoadModelOptions['dtype'];
  /** Loading progress (bytes read, rate, ETA). */
  onLoadProgress?: LoadModelOptions['onProgress'];
}

/** A loaded model with its tokenizer and optional adapter. */
export interface Runtime {
  model: LlamaModel;
  tokenizer: RuntimeTokenizer;
  adapter?: LoraAdapter;
}

/**
 * Load model, tokenizer and adapter, and check the vocabularies agree (before the weights load, and again
 * after an adapter that may resize them): a tokenizer with fewer or more ids than the model is an error
 * naming both sizes and the fix.
 */
export async function loadRuntime({
  modelDir,
  tokenizerPath,
  adapterDir,
  backend,
  dtype,
  onLoadProgress,
}: LoadRuntimeOptions): Promise<Runtime> {
  const tokenizerSource = tokenizerPath ?? modelDir;
  const tokenizer = await loadModelTokenizer(tokenizerSource);
  // an adapter may resize the vocabulary (modules_to_save embed_tokens), so then check after applying it
  if (!adapterDir) await checkTokenizerFits({ tokenizer, tokenizerSource, modelDir });
  const model = await loadModel(modelDir, { backend, dtype, onProgress: onLoadProgress });
  let adapter: LoraAdapter | undefined;
  try {
    if (adapterDir) {
      adapter = await loadLoraAdapter(adapterDir, { model });
      await applyLoraAdapter(model, adapter);
    }
    checkVocabularies({
      tokenizerVocabSize: tokenizer.vocabSize,
      modelVocabSize: model.config.vocabSize,
      tokenizer: tokenizerSource,
      model: adapterDir ? `${modelDir} with the adapter ${adapterDir}` : modelDir,
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, tokenizer, adapter };
}
