import { InputError } from '../errors.js';
import type { GenerateOptions } from './generate-options.js';

/** Prompt ids from `inputIds` or `prompt` + tokenizer, validated against the vocabulary. */
export function resolvePrompt({
  inputIds,
  prompt,
  tokenizer,
  addBos = true,
  model,
}: GenerateOptions): number[] {
  if (inputIds !== undefined && prompt !== undefined)
    throw new InputError('inputIds/prompt', 'one of them, not both', 'both');
  if (prompt !== undefined) {
    if (!tokenizer) throw new InputError('tokenizer', 'a tokenizer when `prompt` is given', undefined);
    const ids = tokenizer.encode(prompt, { addBos });
    if (ids.length === 0)
      throw new InputError('prompt', 'text that encodes to at least one token (or addBos)', prompt);
    return ids;
  }
  if (!Array.isArray(inputIds) || inputIds.length === 0)
    throw new InputError('inputIds', 'a non-empty number[]', inputIds);
  const vocab = model.config.vocabSize;
  for (const id of inputIds) {
    if (!Number.isInteger(id) || id < 0 || id >= vocab)
      throw new InputError('inputIds', `token ids in [0, ${vocab})`, id);
  }
  return [...inputIds];
}

/** EOS ids: the option, else the tokenizer's, else the config's. */
export function resolveEos({ eosTokenId, tokenizer, model }: GenerateOptions): number[] {
  if (eosTokenId !== undefined) return Array.isArray(eosTokenId) ? eosTokenId : [eosTokenId];
  if (tokenizer?.eosId !== undefined) return [tokenizer.eosId];
  return model.config.eosTokenIds;
}

/** Sampling when asked, or when temperature/topK/topP is given; `temperature: 0` is greedy. */
export function isSampling(options: GenerateOptions): boolean {
  if (options.temperature === 0) return false;
  return (
    options.doSample ??
    (options.temperature !== undefined || options.topK !== undefined || options.topP !== undefined)
  );
}
