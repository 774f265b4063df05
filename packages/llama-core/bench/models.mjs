// Benchmark model shapes (random LLaMA, f32). Parameter counts include embed_tokens and lm_head.
export const BENCH_MODELS = {
  '20M': {
    vocabSize: 32000,
    hiddenSize: 256,
    intermediateSize: 688,
    numHiddenLayers: 4,
    numAttentionHeads: 8,
    maxPositionEmbeddings: 2048,
  },
  '160M': {
    vocabSize: 32000,
    hiddenSize: 768,
    intermediateSize: 3072,
    numHiddenLayers: 12,
    numAttentionHeads: 12,
    maxPositionEmbeddings: 2048,
  },
};

/** Parameters that are multiplied in matMuls (every linear weight incl. lm_head; not the embedding). */
export function linearParameters(config) {
  const { hiddenSize: D, intermediateSize: I, numHiddenLayers: L, vocabSize: V } = config;
  const kv = (config.numKeyValueHeads ?? config.numAttentionHeads) * (D / config.numAttentionHeads);
  return L * (D * D * 2 + 2 * D * kv + 3 * D * I) + D * V;
}

export function totalParameters(config) {
  const { hiddenSize: D, numHiddenLayers: L, vocabSize: V } = config;
  return linearParameters(config) + V * D + (2 * L + 1) * D;
}
