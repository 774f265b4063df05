import { type ModelProto, ModelType, PieceType, type SentencePieceEntry } from '../model-proto.js';

/** Build a small `ModelProto` for unit tests: `<unk>`, `<s>`, `</s>`, optional byte pieces, then `pieces`. */
export function buildTestModel({
  pieces,
  modelType = 'bpe',
  byteFallback = false,
  addDummyPrefix = true,
  removeExtraWhitespaces = false,
}: {
  pieces: Array<[string, number] | [string, number, number]>;
  modelType?: 'bpe' | 'unigram';
  byteFallback?: boolean;
  addDummyPrefix?: boolean;
  removeExtraWhitespaces?: boolean;
}): ModelProto {
  const entries: SentencePieceEntry[] = [
    { piece: '<unk>', score: 0, type: PieceType.UNKNOWN },
    { piece: '<s>', score: 0, type: PieceType.CONTROL },
    { piece: '</s>', score: 0, type: PieceType.CONTROL },
  ];
  if (byteFallback) {
    for (let byte = 0; byte < 256; byte++) {
      const hex = byte.toString(16).toUpperCase().padStart(2, '0');
      entries.push({ piece: `<0x${hex}>`, score: 0, type: PieceType.BYTE });
    }
  }
  for (const [piece, score, type] of pieces) entries.push({ piece, score, type: type ?? PieceType.NORMAL });
  return {
    pieces: entries,
    trainer_spec: {
      model_type: modelType === 'bpe' ? ModelType.BPE : ModelType.UNIGRAM,
      vocab_size: entries.length,
      byte_fallback: byteFallback,
      unk_id: 0,
      bos_id: 1,
      eos_id: 2,
      pad_id: -1,
    },
    normalizer_spec: {
      name: 'identity',
      add_dummy_prefix: addDummyPrefix,
      remove_extra_whitespaces: removeExtraWhitespaces,
      escape_whitespaces: true,
    },
  };
}
