import type { KernelState, SelectedBackend, WeightFormat } from '@lawgpt/engine';
import { embedding, linear, rmsNorm, StoredWeight, weightStore } from '@lawgpt/engine';
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from './config.js';
import { InputError, WeightError } from './errors.js';
import { resolveMask, validateInputIds } from './forward-inputs.js';
import { KVCache, type KVCacheOptions } from './kv-cache.js';
import { attentionBias, positionIds } from './layers/attention-mask.js';
import { decoderBlock } from './layers/block.js';
import type { ForwardContext, LinearHook } from './layers/context.js';
import { ropeTables } from './layers/rope.js';
import type { LoadReport } from './load.js';
import { type SaveModelOptions, saveModel } from './save.js';
import { hfValues, type LlamaParameters, type ParameterSpec, parameterSpecs, toVariable } from './weights.js';

/** Options of {@link LlamaModel.forward}. */
export interface ForwardOptions {
  /** KV cache: cached positions are attended to, the new keys/values are appended. */
  cache?: KVCache;
  /** 1 = token, 0 = padding (left padding); over past + new positions, or the new ones only. */
  attentionMask?: number[][];
  /** Per-call linear hook (overrides `model.linearHook`). */
  linearHook?: LinearHook;
  /**
   * Only the last position's logits, `[batch, 1, vocab]`: what generation needs (HF's `logits_to_keep=1`), sparing
   * `lm_head` on every other position.
   */
  lastOnly?: boolean;
}

/** Options of {@link LlamaModel.run}. */
export interface RunOptions extends ForwardOptions {
  /** Also return HF `output_hidden_states`: [0] embeddings, [i] output of layer i-1, [L] after the final norm. */
  outputHiddenStates?: boolean;
}

/** What {@link LlamaModel.run} returns (tensors owned by the caller). */
export interface RunResult {
  /** [batch, seq, vocab] */
  logits: tf.Tensor3D;
  /** Each [batch, seq, hidden], when asked for. */
  hiddenStates?: tf.Tensor3D[];
}

/** A weight of the model: a tfjs variable (float32, trainable) or an engine-held {@link StoredWeight} (frozen). */
export type ModelWeight = tf.Variable | StoredWeight;

/**
 * A LLaMA-family causal LM on TensorFlow.js, numerically matching HF `LlamaForCausalLM` (and `Qwen2ForCausalLM`,
 * `Qwen3ForCausalLM`, `InternLM2ForCausalLM`) in float32: one code path, the family's features switched on by
 * the config (q/k/v biases, q/k norms, tied embeddings).
 */
export class LlamaModel {
  /** Hook applied to every linear layer's output (see {@link LinearHook}); used by LoRA. */
  linearHook: LinearHook | undefined;
  /** The matMul engine serving this model on the wasm backend (undefined on other backends). */
  kernels: KernelState | undefined;
  /** How {@link loadModel} loaded it (formats, holders, fallbacks); undefined for models built in memory. */
  loadReport: LoadReport | undefined;
  /** Weights held by the engine in their stored format (f32, f16, bf16, Q8_0, Q4_0), by HF name; frozen. */
  readonly stored: Map<string, StoredWeight>;
  private specs: Map<string, ParameterSpec>;
  private tiedHead: tf.Tensor2D | undefined;
  /** The embedding values `tiedHead` was transposed from (an optimizer's assign gives new ones). */
  private tiedHeadOf: object | undefined;

  constructor(
    /** The architecture. */
    readonly config: LlamaConfig,
    /** Parameters held as tfjs variables, by HF name (linear weights `[in, out]`); owned by the model. */
    readonly parameters: LlamaParameters,
    /** The backend the model was loaded on. */
    readonly backend?: SelectedBackend,
    /** Engine-held weights (linear weights and embeddings in HF's `[out, in]` / `[vocab, hidden]`). */
    stored: Map<string, StoredWeight> = new Map(),
  ) {
    this.stored = stored;
    this.specs = new Map();
    this.refreshSpecs();
    for (const spec of this.specs.values()) {
      if (!parameters.has(spec.name) && !stored.has(spec.name)) {
        throw new WeightError(spec.name, 'present', 'missing');
      }
    }
    this.refreshTiedHead();
  }

  /** A fresh, empty KV cache for this model (held in the engine's memory; `dtype: 'f16'` halves it). */
  createCache(options: KVCacheOptions = {}): KVCache {
    return new KVCache(this.config, options);
  }

  /** Logits [batch, seq, vocab] for `inputIds` (differentiable: usable inside `tf.variableGrads`). */
  forward(inputIds: number[][], options: ForwardOptions = {}): tf.Tensor3D {
    return this.run(inputIds, options).logits;
  }

  /** Forward pass returning logits and, optionally, hidden states. */
  run(inputIds: number[][], options: RunOptions = {}): RunResult {
    const { cache, attentionMask, outputHiddenStates = false, lastOnly = false } = options;
    const hook = options.linearHook ?? this.linearHook;
    const { batch, seq } = validateInputIds(inputIds, this.config.vocabSize);
    const past = cache?.length ?? 0;
    const fullMask = resolveMask(attentionMask, batch, seq, cache);
    const result = tf.tidy(() => {
      const { cos, sin } = ropeTables(this.config, positionIds(batch, seq, past, fullMask));
      const context: ForwardContext = {
        config: this.config,
        batch,
        seq,
        cache,
        cos,
        sin,
        bias: attentionBias(batch, seq, past, fullMask),
        parameter: (name) => this.parameter(name),
        linear: (module, x) => {
          let y = linear(x, this.linearWeight(module));
          const bias = this.parameters.get(`${module}.bias`); // Qwen2's q/k/v (a 1-D float32 variable)
          if (bias) y = tf.add(y, bias) as tf.Tensor2D;
          return hook ? hook(module, x, y) : y;
        },
      };
      const hidden: tf.Tensor3D[] = [];
      const record = (h: tf.Tensor2D) => {
        if (outputHiddenStates) hidden.push(tf.reshape(h, [batch, seq, -1]));
      };
      let h = embedding(this.embeddingTable(), inputIds.flat());
      // Without a gradient tape, each layer's intermediates are freed as soon as it returns (a 1.1B model's 128-token
      // prefill otherwise held 500 MB of them until the end of the pass).
      const taping = tf.engine().isTapeOn();
      for (let layer = 0; layer < this.config.numHiddenLayers; layer++) {
        record(h);
        const input = h;
        h = taping ? decoderBlock(input, layer, context) : tf.tidy(() => decoderBlock(input, layer, context));
      }
      h = rmsNorm(h, this.parameter('model.norm.weight') as tf.Tensor1D, this.config.rmsNormEps);
      record(h);
      const kept = lastOnly && seq > 1 ? lastRows(h, batch, seq) : h;
      const logits = tf.reshape(context.linear('lm_head', kept), [
        batch,
        lastOnly ? 1 : seq,
        this.config.vocabSize,
      ]) as tf.Tensor3D;
      return { logits, hiddenStates: hidden };
    });
    cache?.commit(seq, fullMask);
    return outputHiddenStates ? result : { logits: result.logits };
  }

  /** A tfjs-held parameter by HF name, in memory layout (linear weights `[in, out]`). */
  parameter(name: string): tf.Variable {
    const variable = this.parameters.get(name);
    if (variable) return variable;
    const held = this.stored.get(name);
    if (held) {
      throw new WeightError(
        name,
        'a float32 variable',
        `a ${held.format} weight held by the engine (use weight(name) or readParameter(name))`,
      );
    }
    throw new InputError('name', 'a parameter of this model', name);
  }

  /** A parameter by HF name, however it is held. */
  weight(name: string): ModelWeight {
    const weight = this.parameters.get(name) ?? this.stored.get(name);
    if (!weight) throw new InputError('name', 'a parameter of this model', name);
    return weight;
  }

  /** Format of a parameter: `f32` for tfjs variables, else the stored weight's format. */
  weightFormat(name: string): WeightFormat {
    const weight = this.weight(name);
    return weight instanceof StoredWeight ? weight.format : 'f32';
  }

  /** HF-layout float32 values of a parameter (`[out, in]` for linear weights), decoded when stored. */
  async readParameter(name: string): Promise<Float32Array> {
    const weight = this.weight(name);
    return weight instanceof StoredWeight ? weight.readRows() : hfValues(weight, this.parameterSpec(name));
  }

  /** Layout of a parameter (HF shape, transposed in memory or not). */
  parameterSpec(name: string): ParameterSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new InputError('name', 'a parameter of this model', name);
    return spec;
  }

  /**
   * Weight of a linear module (`lm_head` is the embedding when tied: while the embedding trains, its transpose is
   * taken in the pass so the output layer's gradient reaches it; otherwise a cached transpose, renewed when the
   * embedding's values change).
   */
  private linearWeight(module: string): tf.Tensor2D | StoredWeight {
    if (module === 'lm_head' && this.config.tieWordEmbeddings) {
      const embed = this.weight('model.embed_tokens.weight');
      if (embed instanceof StoredWeight) return embed;
      if (embed.trainable) return tf.transpose(embed as tf.Tensor2D);
      if (this.tiedHeadOf !== embed.dataId) this.refreshTiedHead();
      return this.tiedHead!;
    }
    const weight = this.weight(`${module}.weight`);
    return weight instanceof StoredWeight ? weight : (weight as tf.Tensor2D);
  }

  private embeddingTable(): tf.Tensor2D | StoredWeight {
    const weight = this.weight('model.embed_tokens.weight');
    return weight instanceof StoredWeight ? weight : (weight as tf.Tensor2D);
  }

  /**
   * Replace a parameter from HF-layout values (`[out, in]` for linear weights), e.g. merged LoRA
   * weights. The shape must match the config. A stored weight keeps its format (re-quantized if need be). A
   * tensor is read asynchronously (a GPU backend such as webgpu cannot read synchronously in Node).
   */
  async setParameter(name: string, values: Float32Array | tf.Tensor): Promise<void> {
    const spec = this.parameterSpec(name);
    const data = values instanceof tf.Tensor ? ((await values.data()) as Float32Array) : values;
    const expected = spec.shape.reduce((product, size) => product * size, 1);
    if (data.length !== expected) {
      throw new WeightError(
        name,
        `${expected} values (shape [${spec.shape.join(', ')}])`,
        `${data.length} values`,
      );
    }
    const held = this.stored.get(name);
    if (held) {
      const [rows, cols] = spec.shape as [number, number];
      this.stored.set(
        name,
        weightStore().fromValues({ name, format: held.format, rows, cols, values: data }),
      );
      held.dispose();
    } else {
      const old = this.parameter(name);
      const variable = toVariable(data, spec);
      if (old.trainable) variable.trainable = true;
      old.dispose();
      this.parameters.set(name, variable);
    }
    if (name === 'model.embed_tokens.weight') this.refreshTiedHead();
  }

  /**
   * Mark parameters trainable (for `tf.variableGrads` / optimizers); all by default. Engine-held weights are
   * frozen: asking to train one is an error naming it (load with `dtype: 'f32'` to train every weight).
   */
  setTrainable(trainable: boolean | ((name: string) => boolean) = true): void {
    const wanted = (name: string) => (typeof trainable === 'function' ? trainable(name) : trainable);
    const frozen = [...this.stored.keys()].filter(wanted);
    if (frozen.length > 0) {
      throw new WeightError(
        frozen[0]!,
        'a trainable float32 variable',
        `a frozen ${this.stored.get(frozen[0]!)!.format} weight held by the engine (${frozen.length} such); load with dtype "f32" to train them`,
      );
    }
    for (const [name, variable] of this.parameters) variable.trainable = wanted(name);
  }

  /**
   * Turn engine-held weights into float32 tfjs variables, so they can be trained (e.g. `modules_to_save` on a
   * quantized base). They must then fit the backend's memory (tfjs-wasm's heap is 4 GiB).
   */
  unfreeze(names: string[]): void {
    for (const name of names) {
      const held = this.stored.get(name);
      if (!held) continue;
      this.parameters.set(name, toVariable(held.readRows(), this.parameterSpec(name)));
      this.stored.delete(name);
      held.dispose();
      if (name === 'model.embed_tokens.weight') this.refreshTiedHead();
    }
  }

  private refreshTiedHead(): void {
    this.tiedHead?.dispose();
    this.tiedHead = undefined;
    this.tiedHeadOf = undefined;
    const embed = this.parameters.get('model.embed_tokens.weight');
    if (this.config.tieWordEmbeddings && embed) {
      this.tiedHead = tf.keep(tf.transpose(embed as tf.Tensor2D));
      this.tiedHeadOf = embed.dataId;
    }
  }

  /** Recompute parameter shapes after `config` changed (e.g. a resized vocabulary). */
  refreshSpecs(): void {
    this.specs = new Map(parameterSpecs(this.config).map((spec) => [spec.name, spec]));
  }

  /** Bytes of weights by holder and format (what the model occupies). */
  memory(): { tensorBytes: number; storedBytes: number; formats: Partial<Record<WeightFormat, number>> } {
    let tensorBytes = 0;
    for (const variable of this.parameters.values()) tensorBytes += variable.size * 4;
    const formats: Partial<Record<WeightFormat, number>> = tensorBytes ? { f32: tensorBytes } : {};
    let storedBytes = 0;
    for (const weight of this.stored.values()) {
      storedBytes += weight.byteLength;
      formats[weight.format] = (formats[weight.format] ?? 0) + weight.byteLength;
    }
    return { tensorBytes, storedBytes, formats };
  }

  /** Write the model in HF format (`config.json` + safetensors); see {@link saveModel}. */
  save(dir: string, options: SaveModelOptions = {}): Promise<string[]> {
    return saveModel(this, dir, options);
  }

  /** Free every tensor and stored weight of the model. */
  dispose(): void {
    for (const variable of this.parameters.values()) variable.dispose();
    this.parameters.clear();
    for (const weight of this.stored.values()) weight.dispose();
    this.stored.clear();
    this.tiedHead?.dispose();
    this.tiedHead = undefined;
  }
}

/** The last position of every row: [batch·seq, hidden] → [batch, hidden]. */
function lastRows(h: tf.Tensor2D, batch: number, seq: number): tf.Tensor2D {
  const hidden = h.shape[1];
  return tf.reshape(tf.slice(tf.reshape(h, [batch, seq, hidden]), [0, seq - 1, 0], [batch, 1, hidden]), [
    batch,
    hidden,
  ]);
}
