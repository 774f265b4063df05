import type { KernelState, SelectedBackend } from '@lawgpt/engine';
import { embedding, linear, rmsNorm } from '@lawgpt/engine';
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from './config.js';
import { InputError, WeightError } from './errors.js';
import { resolveMask, validateInputIds } from './forward-inputs.js';
import { KVCache } from './kv-cache.js';
import { attentionBias, positionIds } from './layers/attention-mask.js';
import { decoderBlock } from './layers/block.js';
import type { ForwardContext, LinearHook } from './layers/context.js';
import { ropeTables } from './layers/rope.js';
import { type SaveModelOptions, saveModel } from './save.js';
import { type LlamaParameters, type ParameterSpec, parameterSpecs, toVariable } from './weights.js';

/** Options of {@link LlamaModel.forward}. */
export interface ForwardOptions {
  /** KV cache: cached positions are attended to, the new keys/values are appended. */
  cache?: KVCache;
  /** 1 = token, 0 = padding (left padding); over past + new positions, or the new ones only. */
  attentionMask?: number[][];
  /** Per-call linear hook (overrides `model.linearHook`). */
  linearHook?: LinearHook;
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

/** A LLaMA causal LM on TensorFlow.js, numerically matching HF `LlamaForCausalLM` in float32. */
export class LlamaModel {
  /** Hook applied to every linear layer's output (see {@link LinearHook}); used by LoRA. */
  linearHook: LinearHook | undefined;
  /** The matMul engine serving this model on the wasm backend (undefined on other backends). */
  kernels: KernelState | undefined;
  private specs: Map<string, ParameterSpec>;
  private tiedHead: tf.Tensor2D | undefined;

  constructor(
    /** The architecture. */
    readonly config: LlamaConfig,
    /** Parameters by HF name (linear weights `[in, out]`); owned by the model. */
    readonly parameters: LlamaParameters,
    /** The backend the model was loaded on. */
    readonly backend?: SelectedBackend,
  ) {
    this.specs = new Map();
    this.refreshSpecs();
    for (const spec of this.specs.values()) {
      if (!parameters.has(spec.name)) throw new WeightError(spec.name, 'present', 'missing');
    }
    this.refreshTiedHead();
  }

  /** A fresh, empty KV cache for this model. */
  createCache(): KVCache {
    return new KVCache(this.config.numHiddenLayers);
  }

  /** Logits [batch, seq, vocab] for `inputIds` (differentiable: usable inside `tf.variableGrads`). */
  forward(inputIds: number[][], options: ForwardOptions = {}): tf.Tensor3D {
    return this.run(inputIds, options).logits;
  }

  /** Forward pass returning logits and, optionally, hidden states. */
  run(inputIds: number[][], options: RunOptions = {}): RunResult {
    const { cache, attentionMask, outputHiddenStates = false } = options;
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
          const y = linear(x, this.linearWeight(module));
          return hook ? hook(module, x, y) : y;
        },
      };
      const hidden: tf.Tensor3D[] = [];
      const record = (h: tf.Tensor2D) => {
        if (outputHiddenStates) hidden.push(tf.reshape(h, [batch, seq, -1]));
      };
      let h = embedding(this.parameter('model.embed_tokens.weight') as tf.Tensor2D, inputIds.flat());
      for (let layer = 0; layer < this.config.numHiddenLayers; layer++) {
        record(h);
        h = decoderBlock(h, layer, context);
      }
      h = rmsNorm(h, this.parameter('model.norm.weight') as tf.Tensor1D, this.config.rmsNormEps);
      record(h);
      const logits = tf.reshape(context.linear('lm_head', h), [
        batch,
        seq,
        this.config.vocabSize,
      ]) as tf.Tensor3D;
      return { logits, hiddenStates: hidden };
    });
    cache?.commit(seq, fullMask);
    return outputHiddenStates ? result : { logits: result.logits };
  }

  /** A parameter by HF name, in memory layout (linear weights `[in, out]`). */
  parameter(name: string): tf.Variable {
    const variable = this.parameters.get(name);
    if (!variable) throw new InputError('name', 'a parameter of this model', name);
    return variable;
  }

  /** Layout of a parameter (HF shape, transposed in memory or not). */
  parameterSpec(name: string): ParameterSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new InputError('name', 'a parameter of this model', name);
    return spec;
  }

  /** `[in, out]` weight of a linear module (`lm_head` is the transposed embedding when tied). */
  private linearWeight(module: string): tf.Tensor2D {
    if (module === 'lm_head' && this.tiedHead) return this.tiedHead;
    return this.parameter(`${module}.weight`) as tf.Tensor2D;
  }

  /**
   * Replace a parameter from HF-layout values (`[out, in]` for linear weights), e.g. merged LoRA
   * weights. The shape must match the config.
   */
  setParameter(name: string, values: Float32Array | tf.Tensor): void {
    const spec = this.parameterSpec(name);
    const data = values instanceof tf.Tensor ? (values.dataSync() as Float32Array) : values;
    const expected = spec.shape.reduce((product, size) => product * size, 1);
    if (data.length !== expected) {
      throw new WeightError(
        name,
        `${expected} values (shape [${spec.shape.join(', ')}])`,
        `${data.length} values`,
      );
    }
    const old = this.parameter(name);
    const variable = toVariable(data, spec);
    if (old.trainable) variable.trainable = true;
    old.dispose();
    this.parameters.set(name, variable);
    if (name === 'model.embed_tokens.weight') this.refreshTiedHead();
  }

  /** Mark parameters trainable (for `tf.variableGrads` / optimizers); all by default. */
  setTrainable(trainable: boolean | ((name: string) => boolean) = true): void {
    for (const [name, variable] of this.parameters) {
      variable.trainable = typeof trainable === 'function' ? trainable(name) : trainable;
    }
  }

  private refreshTiedHead(): void {
    this.tiedHead?.dispose();
    this.tiedHead = undefined;
    if (this.config.tieWordEmbeddings) {
      this.tiedHead = tf.keep(tf.transpose(this.parameter('model.embed_tokens.weight') as tf.Tensor2D));
    }
  }

  /** Recompute parameter shapes after `config` changed (e.g. a resized vocabulary). */
  refreshSpecs(): void {
    this.specs = new Map(parameterSpecs(this.config).map((spec) => [spec.name, spec]));
  }

  /** Write the model in HF format (`config.json` + safetensors); see {@link saveModel}. */
  save(dir: string, options: SaveModelOptions = {}): Promise<string[]> {
    return saveModel(this, dir, options);
  }

  /** Free every tensor of the model. */
  dispose(): void {
    for (const variable of this.parameters.values()) variable.dispose();
    this.parameters.clear();
    this.tiedHead?.dispose();
    this.tiedHead = undefined;
  }
}
