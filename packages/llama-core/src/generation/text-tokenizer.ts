/**
 * What generation needs from a tokenizer (structural: `@lawgpt/tokenizer-legal`'s tokenizer fits,
 * and so does any object with these members).
 */
export interface TextTokenizer {
  encode(text: string, options?: { addBos?: boolean }): number[];
  decode(ids: number[], options?: { skipSpecial?: boolean }): string;
  eosId?: number;
  bosId?: number;
  /** Ids the tokenizer decodes; generation never picks an id at or beyond it (a model's padding rows). */
  vocabSize?: number;
}
