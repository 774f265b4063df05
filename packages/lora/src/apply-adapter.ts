import type { LinearHook, LlamaModel } from '@lawgpt/llama-core';
import { resizeTokenEmbeddings } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs-core';
import { AdapterShapeError } from './errors.js';
import type { LoraAdapter, LoraModule } from './lora-adapter.js';

/** Options for {@link createLoraHook}. */
export interface LoraHookOptions {
  /** Apply `lora_dropout` to the adapter's input (training only). Default false. */
  training?: boolean;
  /** Seed of the dropout masks. */
  seed?: number;
}

/** A llama-core linear hook adding `scaling · (x·Aᵀ)·Bᵀ` to each adapted module's output. */
export function createLoraHook(
  adapter: LoraAdapter,
  { training = false, seed }: LoraHookOptions = {},
): LinearHook {
  const rate = training ? adapter.config.loraDropout : 0;
  let calls = 0;
  // model module (LLaMA name) → the adapted module holding it and its output rows there
  const byTarget = new Map<string, { module: LoraModule; ranges: Array<[number, number]> }>();
  for (const module of adapter.modules.values())
    for (const { module: target, ranges } of module.targets) byTarget.set(target, { module, ranges });
  return (name, input, output) => {
    const found = byTarget.get(name);
    if (!found) return output;
    const { module, ranges } = found;
    const x =
      rate > 0 ? tf.dropout(input, rate, undefined, seed === undefined ? undefined : seed + calls++) : input;
    // [rows, in] · [in, rank] · [rank, out] (InternLM2's q, k or v: the columns of Bᵀ for its rows of wqkv)
    const b = outputColumns(module, ranges);
    const delta = tf.matMul(tf.matMul(x, module.a), b);
    return tf.add(output, tf.mul(delta, module.scaling)) as tf.Tensor2D;
  };
}

/** Bᵀ's columns for some of the module's output rows (all of them: Bᵀ itself). Differentiable (slice, concat). */
function outputColumns(module: LoraModule, ranges: ReadonlyArray<[number, number]>): tf.Tensor2D {
  const [rank, out] = module.b.shape as [number, number];
  if (ranges.length === 1 && ranges[0]![0] === 0 && ranges[0]![1] === out) return module.b as tf.Tensor2D;
  const pieces = ranges.map(([first, count]) => tf.slice(module.b, [0, first], [rank, count]));
  return (pieces.length === 1 ? pieces[0] : tf.concat(pieces, 1)) as tf.Tensor2D;
}

/**
 * Put the adapter's fully saved modules into `model` (resizing the vocabulary first when a saved
 * embedding has more rows, as PEFT's vocabulary-extension adapters need).
 */
export async function applySavedWeights(model: LlamaModel, adapter: LoraAdapter): Promise<void> {
  const embedding = adapter.savedWeights.get('model.embed_tokens.weight');
  const vocab = embedding?.shape[0] ?? adapter.savedWeights.get('lm_head.weight')?.shape[0];
  if (vocab !== undefined && vocab !== model.config.vocabSize) await resizeTokenEmbeddings(model, vocab);
  for (const [name, { shape, data }] of adapter.savedWeights) {
    const expected = model.parameterSpec(name).shape;
    if (shape.join() !== expected.join()) {
      throw new AdapterShapeError(
        `${name}: saved module has shape [${shape}], the model expects [${expected}]`,
        {
          tensor: name,
          expected,
          actual: shape,
        },
      );
    }
    await model.setParameter(name, data);
  }
}

/**
 * Use the adapter on `model` without merging: saved modules are copied in, and the LoRA hook is set
 * (`model.linearHook`). Inference results equal PEFT's `PeftModel.from_pretrained`.
 */
export async function applyLoraAdapter(model: LlamaModel, adapter: LoraAdapter): Promise<void> {
  await applySavedWeights(model, adapter);
  model.linearHook = createLoraHook(adapter);
}

/**
 * Merge the adapter into `model`'s weights, `W' = W + scaling·B·A` (PEFT's `merge_and_unload`), after
 * which the model runs without a hook and can be saved as a plain HF model.
 */
export async function mergeLoraAdapter(model: LlamaModel, adapter: LoraAdapter): Promise<void> {
  await applySavedWeights(model, adapter);
  for (const module of adapter.modules.values()) {
    for (const { module: target, ranges } of module.targets) {
      const name = `${target}.weight`; // biases (Qwen2's q/k/v) are left as they are, as PEFT's bias "none"
      const [rows, cols] = model.parameterSpec(name).shape as [number, number];
      const base = await model.readParameter(name); // HF [out, in], decoded when the engine holds it
      const merged = tf.tidy(() =>
        // W + s·(A·B)ᵀ with A [in, rank], B [rank, out] (B's columns for these rows)
        tf.add(
          tf.tensor2d(base, [rows, cols]),
          tf.mul(tf.transpose(tf.matMul(module.a, outputColumns(module, ranges))), module.scaling),
        ),
      );
      // A weight held as bf16 / f16 / Q8_0 / Q4_0 is stored back in that format, as PEFT merges into its dtype.
      await model.setParameter(name, (await merged.data()) as Float32Array);
      merged.dispose();
    }
  }
  model.linearHook = undefined;
}
