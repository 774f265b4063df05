/** Options of {@link Tokenizer.encode}. */
export interface EncodeOptions {
  /** Prepend the BOS id (default false, as sentencepiece's `encode`). */
  addBos?: boolean;
  /** Append the EOS id (default false). */
  addEos?: boolean;
}

/** Options of {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /**
   * Drop control tokens (BOS/EOS/PAD) from the text (default true, as sentencepiece does).
   * With false they are written as their piece text, e.g. `<s>`.
   */
  skipSpecial?: boolean;
}

/** A loaded tokenizer: a SentencePiece `tokenizer.model` or a Hugging Face `tokenizer.json`. */
export interface Tokenizer {
  /** Where it came from: `sentencepiece` (`.model`) or `tokenizer.json`. */
  readonly format: 'sentencepiece' | 'tokenizer.json';
  /** Segmentation algorithm. */
  readonly modelType: 'bpe' | 'unigram';
  /** Number of ids (pieces). */
  readonly vocabSize: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly unkId: number;
  /** Pad id, when the model defines one. */
  readonly padId?: number;
  /** Text → ids, exactly as sentencepiece encodes (no BOS/EOS unless asked). */
  encode(text: string, options?: EncodeOptions): number[];
  /** {@link encode} over many texts. */
  encodeBatch(texts: readonly string[], options?: EncodeOptions): number[][];
  /** Text → piece strings (`▁` for spaces, `<0xE2>` for fallback bytes). */
  encodePieces(text: string): string[];
  /** Ids → text, exactly as sentencepiece decodes. */
  decode(ids: readonly number[], options?: DecodeOptions): string;
  /** Piece string of an id; throws for an id outside the vocabulary. */
  idToPiece(id: number): string;
  /** Id of a piece string, or undefined. */
  pieceToId(piece: string): number | undefined;
  /**
   * Write `tokenizer.json`, `tokenizer_config.json`, `special_tokens_map.json` and (for SentencePiece
   * tokenizers) `tokenizer.model` into `dir`, each atomically.
   */
  save(dir: string): Promise<string[]>;
}
