import { causalLmLoss, type LlamaModel } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from './adamw.js';
import { createLoraHook } from './apply-adapter.js';
import type { TrainingBatch } from './batching.js';
import type { LoraAdapter } from './lora-adapter.js';

/** Gradients of one optimizer step, summed over its micro-batches (each scaled by 1/count); mean loss; tokens. */
export interface StepGradients {
  summed: Record<string, tf.Tensor>;
  loss: number;
  tokens: number;
}

/**
 * Forward and backward passes over one step's micro-batches. LoRA dropout masks come from each micro-batch's
 * `dropoutSeed`, so the same step draws the same masks in any run.
 */
export async function stepGradients(
  model: LlamaModel,
  adapter: LoraAdapter | undefined,
  trainable: Map<string, tf.Variable>,
  microBatches: Array<{ batch: TrainingBatch; dropoutSeed: number }>,
): Promise<StepGradients> {
  const variables = [...trainable.values()];
  const nameOf = new Map([...trainable].map(([name, variable]) => [variable.name, name]));
  const summed: Record<string, tf.Tensor> = {};
  let lossSum = 0;
  let tokens = 0;
  for (const { batch, dropoutSeed } of microBatches) {
    tokens += batch.tokens;
    const hook = adapter ? createLoraHook(adapter, { training: true, seed: dropoutSeed }) : undefined;
    const { value, grads } = tf.variableGrads(
      () =>
        causalLmLoss(
          model.forward(batch.inputIds, { attentionMask: batch.attentionMask, linearHook: hook }),
          batch.labels,
        ),
      variables,
    );
    lossSum += (await value.data())[0];
    value.dispose();
    for (const [variableName, gradient] of Object.entries(grads)) {
      const name = nameOf.get(variableName)!;
      const scaled = tf.div(gradient, microBatches.length);
      gradient.dispose();
      if (summed[name]) {
        const total = tf.add(summed[name], scaled);
        summed[name].dispose();
        scaled.dispose();
        summed[name] = total;
      } else summed[name] = scaled;
    }
  }
  return { summed, loss: lossSum / microBatches.length, tokens };
}

/**
 * Clip the summed gradients by global norm, apply one AdamW update, free them; returns the norm before clipping.
 * The squared norms are read asynchronously (a GPU backend such as webgpu cannot read synchronously in Node).
 */
export async function clipAndApply(
  optimizer: AdamW,
  trainable: Map<string, tf.Variable>,
  summed: Record<string, tf.Tensor>,
  maxGradNorm: number,
  rate: number,
): Promise<number> {
  let squares = 0;
  for (const gradient of Object.values(summed)) {
    const square = tf.tidy(() => tf.sum(tf.square(gradient)));
    squares += (await square.data())[0];
    square.dispose();
  }
  const gradNorm = Math.sqrt(squares);
  const clip = maxGradNorm > 0 && gradNorm > maxGradNorm ? maxGradNorm / (gradNorm + 1e-6) : 1;
  const clipped = Object.fromEntries(
    Object.entries(summed).map(([name, gradient]) => [name, clip === 1 ? gradient : tf.mul(gradient, clip)]),
  );
  optimizer.apply(trainable, clipped, rate);
  for (const gradient of new Set([...Object.values(summed), ...Object.values(clipped)])) gradient.dispose();
  return gradNorm;
}
