import { describe, expect, it } from 'vitest';
import { createLlamaConfig, parseLlamaConfig, toHfConfig } from './config.js';
import { ConfigError } from './errors.js';

const base = {
  model_type: 'llama',
  vocab_size: 100,
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  rms_norm_eps: 1e-5,
  eos_token_id: [2, 7],
};

const sizes = {
  vocabSize: 10,
  hiddenSize: 8,
  intermediateSize: 16,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
};

describe('LlamaConfig', () => {
  it('derives head_dim and KV heads like HF and keeps every EOS id', () => {
    const config = parseLlamaConfig(base);
    expect(config.headDim).toBe(16);
    expect(config.numKeyValueHeads).toBe(4);
    expect(config.ropeTheta).toBe(10000);
    expect(config.eosTokenId).toBe(2);
    expect(config.eosTokenIds).toEqual([2, 7]);
    expect(toHfConfig(config).eos_token_id).toEqual([2, 7]);
  });

  it('accepts linear and dynamic rope_scaling and rejects others naming the field', () => {
    expect(parseLlamaConfig({ ...base, rope_scaling: { type: 'linear', factor: 2 } }).ropeScaling).toEqual({
      type: 'linear',
      factor: 2,
    });
    expect(
      parseLlamaConfig({ ...base, rope_scaling: { rope_type: 'dynamic', factor: 4 } }).ropeScaling?.type,
    ).toBe('dynamic');
    const error = (() => {
      try {
        parseLlamaConfig({ ...base, rope_scaling: { type: 'yarn', factor: 4 } }, { path: '/m/config.json' });
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.field).toBe('rope_scaling.type');
    expect(error!.message).toContain('/m/config.json');
    expect(() => parseLlamaConfig({ ...base, rope_scaling: { type: 'linear', factor: 0.5 } })).toThrow(
      /rope_scaling.factor/,
    );
  });

  it('rejects bad sizes, GQA mismatch, biases and other architectures', () => {
    expect(() => parseLlamaConfig({ ...base, hidden_size: '64' })).toThrow(
      /"hidden_size" must be a positive integer/,
    );
    expect(() => parseLlamaConfig({ ...base, num_key_value_heads: 3 })).toThrow(/num_key_value_heads/);
    expect(() => parseLlamaConfig({ ...base, attention_bias: true })).toThrow(/attention_bias/);
    expect(() => parseLlamaConfig({ ...base, model_type: 'mistral' })).toThrow(/model_type/);
    expect(() => parseLlamaConfig({ ...base, vocab_size: undefined })).toThrow(/vocab_size/);
    expect(() => parseLlamaConfig([])).toThrow(ConfigError);
  });

  it('reads the Qwen2, Qwen3 and InternLM2 families; an unknown model_type names the supported ones', () => {
    const qwen2 = parseLlamaConfig({ ...base, model_type: 'qwen2', tie_word_embeddings: true });
    expect([qwen2.modelType, qwen2.qkvBias, qwen2.qkNorm, qwen2.tieWordEmbeddings]).toEqual([
      'qwen2',
      true,
      false,
      true,
    ]);
    const qwen3 = parseLlamaConfig({ ...base, model_type: 'qwen3', head_dim: 32 });
    expect([qwen3.qkvBias, qwen3.qkNorm, qwen3.headDim]).toEqual([false, true, 32]);
    expect(toHfConfig(qwen3)).toMatchObject({
      model_type: 'qwen3',
      architectures: ['Qwen3ForCausalLM'],
      head_dim: 32,
    });
    const intern = parseLlamaConfig({ ...base, model_type: 'internlm2', bias: false });
    expect(toHfConfig(intern)).toMatchObject({ architectures: ['InternLM2ForCausalLM'], bias: false });
    let error: ConfigError | undefined;
    try {
      parseLlamaConfig({ ...base, model_type: 'mistral' }, { path: '/m/config.json' });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error?.field).toBe('model_type');
    expect(error?.message).toBe(
      '/m/config.json: field "model_type" must be one of "llama", "qwen2", "qwen3", "internlm2", got "mistral"',
    );
    expect(() => parseLlamaConfig({ ...base, model_type: 'internlm2', bias: true })).toThrow(/"bias"/);
    expect(() => parseLlamaConfig({ ...base, model_type: 'qwen2', use_sliding_window: true })).toThrow(
      /use_sliding_window/,
    );
    expect(() => parseLlamaConfig({ ...base, model_type: 'qwen3', attention_bias: true })).toThrow(
      /attention_bias/,
    );
    expect(createLlamaConfig({ ...sizes, modelType: 'qwen2' }).raw).toMatchObject({
      model_type: 'qwen2',
      architectures: ['Qwen2ForCausalLM'],
    });
  });

  it('builds configs from camelCase fields', () => {
    const config = createLlamaConfig({
      vocabSize: 10,
      hiddenSize: 8,
      intermediateSize: 16,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
    });
    expect(config.headDim).toBe(4);
    expect(config.raw.hidden_size).toBe(8);
  });
});
