import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lawgpt/common';
import type { LlamaModel } from '@lawgpt/llama-core';
import { readSafetensors, type TensorSource, writeSafetensors } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs-core';
import { readLoraConfig, serializeLoraConfig } from './adapter-config.js';
import { AdapterConfigError, AdapterShapeError } from './errors.js';
import {
  adaptableModules,
  checkModulesToSave,
  type LoraAdapter,
  type LoraModule,
  savedParameterNames,
} from './lora-adapter.js';
import { loraTensorNames, moduleRankAndScaling, savedModuleTensorName } from './target-modules.js';

const ADAPTER_FILE = 'adapter_model.safetensors';

/** Options for {@link loadLoraAdapter}. */
export interface LoadLoraAdapterOptions {
  /** The base model the adapter is for: every tensor is checked against its shapes. */
  model: LlamaModel;
}

/**
 * Read a PEFT LoRA folder (`adapter_config.json` + `adapter_model.safetensors`): every targeted module (under the
 * names PEFT writes for the model's family: LLaMA / Qwen2 / Qwen3 `self_attn.q_proj`, InternLM2 `attention.wqkv`)
 * must have both factors with shapes that fit the model; unknown tensors are an error naming them.
 */
export async function loadLoraAdapter(dir: string, { model }: LoadLoraAdapterOptions): Promise<LoraAdapter> {
  const config = await readLoraConfig(dir);
  const path = join(dir, ADAPTER_FILE);
  try {
    await access(path);
  } catch {
    const hint = 'only safetensors adapters are read; convert adapter_model.bin with PEFT first';
    throw new AdapterConfigError(`${path}: file not found (${hint})`, { path });
  }
  const { tensors } = await readSafetensors(path);
  const used = new Set<string>();
  const take = (tensor: string, expected: number[]) => {
    const entry = tensors.get(tensor);
    if (!entry) throw new AdapterShapeError(`${path}: missing tensor ${tensor}`, { path, tensor, expected });
    if (entry.shape.join() !== expected.join()) {
      throw new AdapterShapeError(
        `${path}: tensor ${tensor} has shape [${entry.shape}]; expected [${expected}]`,
        {
          path,
          tensor,
          expected,
          actual: entry.shape,
        },
      );
    }
    used.add(tensor);
    return entry.data;
  };
  checkModulesToSave(model, config);
  const modules = new Map<string, LoraModule>();
  for (const { name, shape, parts } of adaptableModules(model, config)) {
    const [out, input] = shape;
    const { rank, scaling } = moduleRankAndScaling(config, name);
    const names = loraTensorNames(name);
    const a = tf.tidy(() => tf.transpose(tf.tensor2d(take(names.a, [rank, input]), [rank, input])));
    const b = tf.tidy(() => tf.transpose(tf.tensor2d(take(names.b, [out, rank]), [out, rank])));
    modules.set(name, {
      name,
      targets: parts,
      rank,
      scaling,
      a: tf.variable(a, false),
      b: tf.variable(b, false),
    });
    a.dispose();
    b.dispose();
  }
  const savedWeights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const parameter of savedParameterNames(config)) {
    const tensor = savedModuleTensorName(parameter.replace(/\.weight$/, ''));
    const entry = tensors.get(tensor);
    if (!entry)
      throw new AdapterShapeError(`${path}: missing tensor ${tensor} (modules_to_save)`, { path, tensor });
    if (entry.shape[1] !== model.config.hiddenSize) {
      throw new AdapterShapeError(
        `${path}: tensor ${tensor} has ${entry.shape[1]} columns; expected hidden size`,
        {
          path,
          tensor,
          expected: model.config.hiddenSize,
          actual: entry.shape[1],
        },
      );
    }
    used.add(tensor);
    savedWeights.set(parameter, { shape: entry.shape, data: entry.data });
  }
  const unknown = [...tensors.keys()].filter((name) => !used.has(name));
  if (unknown.length > 0) {
    throw new AdapterShapeError(
      `${path}: tensors not used by the config: ${unknown.slice(0, 5).join(', ')}`,
      {
        path,
        tensor: unknown[0],
      },
    );
  }
  return { config, modules, savedWeights };
}

/** Options for {@link saveLoraAdapter}. */
export interface SaveLoraAdapterOptions {
  /** The model being trained: its `modules_to_save` parameters are written from it. */
  model?: LlamaModel;
}

/** Write the adapter as PEFT does (`adapter_config.json` + `adapter_model.safetensors`), atomically. */
export async function saveLoraAdapter(
  adapter: LoraAdapter,
  dir: string,
  { model }: SaveLoraAdapterOptions = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const sources: TensorSource[] = [];
  for (const module of adapter.modules.values()) {
    const names = loraTensorNames(module.name);
    const [input, rank] = module.a.shape as [number, number];
    const out = module.b.shape[1] as number;
    sources.push({ name: names.a, shape: [rank, input], data: () => transposed(module.a) });
    sources.push({ name: names.b, shape: [out, rank], data: () => transposed(module.b) });
  }
  for (const parameter of savedParameterNames(adapter.config)) {
    const tensor = savedModuleTensorName(parameter.replace(/\.weight$/, ''));
    if (model) {
      const spec = model.parameterSpec(parameter);
      const variable = model.parameter(parameter);
      sources.push({
        name: tensor,
        shape: spec.shape,
        data: () => (spec.transposed ? transposed(variable) : values(variable)),
      });
    } else {
      const saved = adapter.savedWeights.get(parameter);
      if (!saved)
        throw new AdapterShapeError(`no weights for ${parameter} (modules_to_save); pass the model`, {
          tensor,
        });
      sources.push({ name: tensor, shape: saved.shape, data: saved.data });
    }
  }
  await writeSafetensors(join(dir, ADAPTER_FILE), sources);
  await writeFileAtomic({
    path: join(dir, 'adapter_config.json'),
    data: `${JSON.stringify(serializeLoraConfig(adapter.config), null, 2)}\n`,
  });
}

async function values(tensor: tf.Tensor): Promise<Float32Array> {
  return (await tensor.data()) as Float32Array;
}

async function transposed(tensor: tf.Tensor): Promise<Float32Array> {
  const result = tf.transpose(tensor);
  const data = (await result.data()) as Float32Array;
  result.dispose();
  return data;
}
