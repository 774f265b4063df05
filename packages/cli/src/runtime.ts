import {
  checkTokenizerFits as checkFits,
  type LoadRuntimeOptions,
  loadModelTokenizer,
  loadRuntime,
  type Runtime,
  type RuntimeTokenizer,
} from '@lawgpt/serve';
import type { CommandOption } from './command.js';
import { BACKEND_NAMES, WEIGHT_DTYPES } from './option-choices.js';

// Loading a model with its tokenizer and adapter lives in @lawgpt/serve (its generation worker loads the same
// way); the commands use it from here.
export { type LoadRuntimeOptions, loadModelTokenizer, loadRuntime, type Runtime };

/** The tokenizer type every command uses. */
export type CliTokenizer = RuntimeTokenizer;

/** The `--dtype` option of the commands that load a model to run it. */
export const dtypeOption: CommandOption = {
  type: 'string',
  valueName: 'TYPE',
  choices: WEIGHT_DTYPES,
  description:
    "Weight format (auto = as stored: F32/F16/BF16, or a GGUF's Q8_0/Q4_0; q8_0, q4_0 quantize at load in llama.cpp blocks)",
};

/** The `--backend` option of the commands that load a model. */
export const backendOption: CommandOption = {
  type: 'string',
  valueName: 'NAME',
  choices: BACKEND_NAMES,
  description: 'TensorFlow.js backend (default $LAWGPT_BACKEND, else wasm)',
};

/**
 * Check a tokenizer against the model folder's `config.json` before the weights load (see @lawgpt/serve's
 * `checkTokenizerFits`); `resizes` allows more ids for training that grows the model.
 */
export function checkTokenizerFits(
  tokenizer: CliTokenizer,
  tokenizerSource: string,
  modelDir: string,
  { resizes = false }: { resizes?: boolean } = {},
): Promise<void> {
  return checkFits({ tokenizer, tokenizerSource, modelDir, resizes });
}
