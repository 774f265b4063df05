/**
 * The Hugging Face `tokenizers` Node binding, an optional peer dependency: imported only when asked for
 * (`JsonTokenizer.loadBackend`), never at module load, so this package works without it.
 */
import { TokenizerDependencyError } from '../errors.js';
import type { TokenizersBinding } from '../json-tokenizer.js';

/** The binding's `Tokenizer` class: `fromString(json)` parses a `tokenizer.json`. */
export interface TokenizersClass {
  fromString(json: string): TokenizersBinding;
}

/** Codes Node gives an import of a package that is not installed. */
const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/**
 * Import the `tokenizers` binding's `Tokenizer` class; a missing package (or one whose native binary does
 * not load) is a {@link TokenizerDependencyError} that says how to install it.
 */
export async function importTokenizers({
  importer = () => import('tokenizers'),
}: {
  /** How to import the package (default: a dynamic import of `tokenizers`; tests pass a failing one). */
  importer?: () => Promise<unknown>;
} = {}): Promise<TokenizersClass> {
  let module: { Tokenizer?: TokenizersClass; default?: { Tokenizer?: TokenizersClass } };
  try {
    module = (await importer()) as typeof module;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const problem = NOT_FOUND.has(code ?? '')
      ? 'is not installed'
      : `did not load (${(error as Error).message?.split('\n')[0]})`;
    throw new TokenizerDependencyError(
      'tokenizers',
      `the optional peer dependency \`tokenizers\` (Hugging Face's binding, needed only by ` +
        `JsonTokenizer.loadBackend / encodeWithBackend) ${problem}: run \`npm i tokenizers\``,
      { cause: error },
    );
  }
  const Tokenizer = module.Tokenizer ?? module.default?.Tokenizer;
  if (typeof Tokenizer?.fromString !== 'function')
    throw new TokenizerDependencyError('tokenizers', 'the `tokenizers` package has no Tokenizer.fromString');
  return Tokenizer;
}
