import { LlamaError } from '../errors.js';

/** Options of {@link checkVocabularies}. */
export interface CheckVocabulariesOptions {
  /** Ids the tokenizer encodes and decodes (`tokenizer.vocabSize`). */
  tokenizerVocabSize: number;
  /** Rows of the model's embedding and output layer (`config.vocabSize`). */
  modelVocabSize: number;
  /** Where the tokenizer came from, named in the error (e.g. its path). */
  tokenizer?: string;
  /** Where the model came from, named in the error (e.g. its folder). */
  model?: string;
  /**
   * The caller grows the model to a larger tokenizer before using it (training on an extended
   * vocabulary), so only a tokenizer smaller than the model is refused. Default false.
   */
  resizes?: boolean;
}

/** A tokenizer and a model whose vocabularies do not fit: ids one side has, the other cannot handle. */
export class VocabularyMismatchError extends LlamaError {
  override name = 'VocabularyMismatchError';
  constructor(
    message: string,
    /** Ids of the tokenizer. */
    readonly tokenizerVocabSize: number,
    /** Ids of the model. */
    readonly modelVocabSize: number,
    /** The tokenizer's source, when given. */
    readonly tokenizer?: string,
    /** The model's source, when given. */
    readonly model?: string,
  ) {
    super(message);
  }
}

/**
 * Rows a model has beyond its tokenizer only to round the matrix up for speed, as Qwen2.5 / Qwen3 (151,936 rows for
 * 151,665–151,669 ids): the model's size is a multiple of 64 and fewer than 1,024 rows are extra. Generation never
 * picks those ids (`generate` masks every id the tokenizer cannot decode).
 */
export function isPadding(modelVocabSize: number, tokenizerVocabSize: number): boolean {
  const extra = modelVocabSize - tokenizerVocabSize;
  return extra > 0 && extra < 1024 && modelVocabSize % 64 === 0;
}

/**
 * Check that a tokenizer and a model can work together, before any work starts. Refused, with a
 * {@link VocabularyMismatchError} naming both sizes and the fix:
 * - a model with more ids than the tokenizer, unless the extra rows are padding ({@link isPadding}): it can
 *   generate ids the tokenizer cannot decode;
 * - a tokenizer with more ids than the model (unless `resizes`): its ids have no embedding row.
 */
export function checkVocabularies({
  tokenizerVocabSize,
  modelVocabSize,
  tokenizer,
  model,
  resizes = false,
}: CheckVocabulariesOptions): void {
  const tokenizerName = tokenizer ? `the tokenizer ${tokenizer}` : 'the tokenizer';
  const modelName = model ? `the model ${model}` : 'the model';
  const fail = (message: string) => {
    throw new VocabularyMismatchError(message, tokenizerVocabSize, modelVocabSize, tokenizer, model);
  };
  if (modelVocabSize > tokenizerVocabSize && !isPadding(modelVocabSize, tokenizerVocabSize)) {
    fail(
      `${modelName} has a vocabulary of ${modelVocabSize} ids but ${tokenizerName} has ${tokenizerVocabSize}: ` +
        `the model can generate ids ${tokenizerVocabSize}–${modelVocabSize - 1}, which the tokenizer cannot decode. ` +
        `Use the tokenizer the model was trained with, or resize the model to ${tokenizerVocabSize} ids ` +
        '(resizeTokenEmbeddings).',
    );
  }
  if (tokenizerVocabSize > modelVocabSize && !resizes) {
    fail(
      `${tokenizerName} has ${tokenizerVocabSize} ids but ${modelName} has a vocabulary of ${modelVocabSize}: ` +
        `ids ${modelVocabSize}–${tokenizerVocabSize - 1} have no embedding. Resize the model to ` +
        `${tokenizerVocabSize} ids (resizeTokenEmbeddings; continued pretraining with this tokenizer does it), ` +
        "or use the model's own tokenizer.",
    );
  }
}
