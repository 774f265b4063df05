// The model `lawgpt eval` runs: a local folder loaded in-process, or a model behind an OpenAI-compatible API.
import { openAiGenerator, type TextGenerator, type TextScorer } from '@lawgpt/eval';
import { promptTokenizer } from '../chat-prompts.js';
import type { CommandIO } from '../command.js';
import { createLlamaGenerator } from '../eval/llama-generator.js';
import { loadProgressPrinter } from '../load-progress.js';
import { loadRuntime } from '../runtime.js';
import type { LocalModel, ServedModel } from './eval-options.js';

/** An opened model: what generates (and, for a local one, scores) text, and how to release it. */
export interface EvalModel {
  generator: TextGenerator & Partial<TextScorer>;
  /** In-process: one generation at a time. */
  local: boolean;
  close: () => void;
}

/** Options of {@link openEvalModel}. */
export interface OpenEvalModelOptions {
  model: LocalModel | ServedModel;
  /** Framing: generated answers are prompted as the model was tuned (its chat template); `raw` scores raw text. */
  prompts: 'chat' | 'raw';
  io: CommandIO;
}

/** Loads the local model (with its tokenizer, adapter and chat template) or connects to the served one. */
export async function openEvalModel({ model, prompts, io }: OpenEvalModelOptions): Promise<EvalModel> {
  if (model.kind === 'served') {
    const { baseUrl, model: name, apiKey, retries: maxRetries } = model;
    const generator = openAiGenerator({ baseUrl, model: name, apiKey, maxRetries });
    return { generator, local: false, close: () => {} };
  }
  const progress = loadProgressPrinter({ write: io.stderr });
  const runtime = await loadRuntime({
    modelDir: model.dir,
    tokenizerPath: model.tokenizer,
    adapterDir: model.adapter,
    backend: model.backend,
    dtype: model.dtype,
    onLoadProgress: progress.update,
  }).finally(progress.end);
  const tokenizer =
    prompts === 'raw'
      ? runtime.tokenizer
      : await promptTokenizer({
          tokenizer: runtime.tokenizer,
          template: model.template,
          raw: model.raw,
          locations: [model.tokenizer, model.adapter, model.dir],
          io,
        }).catch((error: Error) => {
          runtime.model.dispose();
          throw error;
        });
  return {
    generator: createLlamaGenerator({
      model: runtime.model,
      tokenizer,
      allowLongContext: model.allowLongContext,
      onWarning: (message) => io.stderr(`\nwarning: ${message}\n`),
    }),
    local: true,
    close: () => runtime.model.dispose(),
  };
}
