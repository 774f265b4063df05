import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { causalLmLoss, createLlamaConfig, createRandomModel, type LlamaModel } from '@lawgpt/llama-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createLoraConfig } from './adapter-config.js';
import { loadLoraAdapter } from './adapter-io.js';
import { applyLoraAdapter, createLoraHook } from './apply-adapter.js';
import { dropoutSeed } from './batching.js';
import { readTrainerState } from './checkpoint.js';
import { createDatasetMixture } from './dataset-mixture.js';
import { OutputLockedError, ResumeMismatchError } from './errors.js';
import { createLoraAdapter, type LoraAdapter } from './lora-adapter.js';
import { LOCK_FILE } from './output-lock.js';
import { type TrainingStart, type TrainOptions, trainCausalLm } from './trainer.js';
import type { TrainingExample } from './training-data.js';

const config = () =>
  createLlamaConfig({
    vocabSize: 48,
    hiddenSize: 32,
    intermediateSize: 64,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
    maxPositionEmbeddings: 64,
  });

// Six fixed sequences to memorise; the prompt half is masked as in SFT.
const examples: TrainingExample[] = Array.from({ length: 6 }, (_, row) => {
  const inputIds = Array.from({ length: 10 }, (_, t) => 3 + ((row * 7 + t * 5) % 45));
  return { inputIds, labels: inputIds.map((id, t) => (t < 4 ? -100 : id)) };
});

async function logitsOf(model: LlamaModel, adapter?: LoraAdapter) {
  const logits = model.forward([examples[0].inputIds], { linearHook: adapter && createLoraHook(adapter) });
  const values = Array.from(await logits.data());
  logits.dispose();
  return values;
}

async function setUp(modules: string[] = [], loraDropout = 0) {
  const model = await createRandomModel(config(), { seed: 3, backend: 'cpu' });
  const loraConfig = createLoraConfig({
    r: 4,
    loraAlpha: 8,
    loraDropout,
    targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
    modulesToSave: modules,
  });
  return { model, adapter: createLoraAdapter({ model, config: loraConfig, seed: 1 }) };
}

const base = (outputDir: string): Omit<TrainOptions, 'model'> => ({
  examples,
  outputDir,
  batchSize: 3,
  maxSteps: 8,
  learningRate: 2e-2,
  saveEvery: 2,
});

describe('trainCausalLm', () => {
  it('lowers the loss with LoRA, saves a PEFT adapter that reloads to the same logits', async () => {
    // A random model's lm_head (std 0.02) caps its logits near ±0.6, so the head is trained in full too.
    const { model, adapter } = await setUp(['lm_head']);
    const outputDir = await mkdtemp(join(tmpdir(), 'lora-train-'));
    const result = await trainCausalLm({
      ...base(outputDir),
      model,
      adapter,
      maxSteps: 20,
      schedule: 'constant',
    });
    expect(result.steps).toBe(20);
    // Steps 1–2 and 19–20 each cover the six examples once (two batches of three).
    const epochLoss = (from: number) => (result.history[from].loss + result.history[from + 1].loss) / 2;
    expect(epochLoss(18)).toBeLessThan(epochLoss(0) * 0.8);
    expect(await readdir(outputDir)).toEqual(
      expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors', 'trainer_state.json']),
    );
    const trained = await logitsOf(model, adapter);
    const fresh = await createRandomModel(config(), { seed: 3, backend: 'cpu' });
    await applyLoraAdapter(fresh, await loadLoraAdapter(outputDir, { model: fresh }));
    const reloaded = await logitsOf(fresh);
    expect(Math.max(...trained.map((value, index) => Math.abs(value - reloaded[index])))).toBeLessThan(1e-5);
  });

  for (const dropout of [0, 0.1]) {
    it(`resumes after an interruption and ends byte-identical to an uninterrupted run (dropout ${dropout})`, async () => {
      const straightDir = await mkdtemp(join(tmpdir(), 'lora-a-'));
      await trainCausalLm({ ...base(straightDir), ...(await setUp(['embed_tokens'], dropout)) });

      const outputDir = await mkdtemp(join(tmpdir(), 'lora-b-'));
      const controller = new AbortController();
      const partial = await trainCausalLm({
        ...base(outputDir),
        ...(await setUp(['embed_tokens'], dropout)),
        signal: controller.signal,
        onProgress: ({ step }) => step === 5 && controller.abort(),
      });
      expect(partial).toMatchObject({ aborted: true, steps: 5 });
      // A new process: fresh model and adapter, same options.
      const resumedSteps: boolean[] = [];
      const starts: TrainingStart[] = [];
      const rest = await trainCausalLm({
        ...base(outputDir),
        ...(await setUp(['embed_tokens'], dropout)),
        onStart: (start) => starts.push(start),
        onProgress: (p) => resumedSteps.push(p.resumed),
      });
      expect(rest.steps).toBe(8);
      expect(starts).toEqual([
        { step: 5, totalSteps: 8, resumed: true, changedSettings: [], staleLock: undefined },
      ]);
      expect(resumedSteps).toEqual([true, false, false]);
      for (const file of ['adapter_model.safetensors', 'trainer_state.json']) {
        const [resumed, straight] = await Promise.all(
          [outputDir, straightDir].map((dir) => readFile(join(dir, file))),
        );
        expect(Buffer.compare(resumed!, straight!), file).toBe(0);
      }
    });
  }

  it('mixes weighted datasets: the mixture position is checkpointed, a resume continues it byte-identically, and other weights are refused', async () => {
    const datasets = (legal = 0.7) => [
      { name: 'legal', examples: examples.slice(0, 4), weight: legal },
      { name: 'general', examples: examples.slice(4), weight: 1 - legal },
    ];
    const mixed = (outputDir: string) => ({ ...base(outputDir), examples: undefined, datasets: datasets() });
    const straightDir = await mkdtemp(join(tmpdir(), 'lora-mix-a-'));
    await trainCausalLm({ ...mixed(straightDir), ...(await setUp([], 0.1)) });
    const straight = await readTrainerState(straightDir);
    // 8 steps × 3 examples: where the mixture (seeded with the run's seed) stands after 24 draws
    const drawn = (draws: number) => {
      const mixture = createDatasetMixture({ datasets: datasets(), seed: 42 });
      mixture.take(draws);
      return mixture.state();
    };
    expect(straight!.mixing).toEqual(drawn(24));
    expect(straight!.settings).toMatchObject({ mixWeights: '0.7,0.3', mixSizes: '4,2', examples: 6 });

    const outputDir = await mkdtemp(join(tmpdir(), 'lora-mix-b-'));
    const controller = new AbortController();
    const partial = await trainCausalLm({
      ...mixed(outputDir),
      ...(await setUp([], 0.1)),
      signal: controller.signal,
      onProgress: ({ step }) => step === 3 && controller.abort(),
    });
    expect(partial).toMatchObject({ aborted: true, steps: 3 });
    expect((await readTrainerState(outputDir))!.mixing).toEqual(drawn(9));
    const changed = await trainCausalLm({
      ...mixed(outputDir),
      ...(await setUp([], 0.1)),
      datasets: datasets(0.5),
    }).catch((caught: unknown) => caught);
    expect(changed).toBeInstanceOf(ResumeMismatchError);
    expect((changed as ResumeMismatchError).message).toMatch(/mixWeights: 0\.7,0\.3 → 0\.5,0\.5\n/);
    // a checkpoint whose mixture position is not where this run's mixture would be (another mixing rule)
    const statePath = join(outputDir, 'trainer_state.json');
    const saved = await readFile(statePath, 'utf8');
    const tampered = JSON.parse(saved);
    tampered.mixing.counts = [tampered.mixing.counts[0] - 1, tampered.mixing.counts[1] + 1];
    await writeFile(statePath, JSON.stringify(tampered));
    await expect(trainCausalLm({ ...mixed(outputDir), ...(await setUp([], 0.1)) })).rejects.toMatchObject({
      field: 'mixing',
      message: expect.stringMatching(/^the checkpoint \(step 3\) drew \[\d+,\d+\] of 9 from the datasets/),
    });
    await writeFile(statePath, saved);
    await trainCausalLm({ ...mixed(outputDir), ...(await setUp([], 0.1)) });
    for (const file of ['adapter_model.safetensors', 'trainer_state.json']) {
      const [resumed, uninterrupted] = await Promise.all(
        [outputDir, straightDir].map((dir) => readFile(join(dir, file))),
      );
      expect(Buffer.compare(resumed!, uninterrupted!), file).toBe(0);
    }
  });

  it('draws new dropout masks for every micro-batch', async () => {
    const dirs = await Promise.all(['lora-d-', 'lora-e-'].map((prefix) => mkdtemp(join(tmpdir(), prefix))));
    const withDropout = await trainCausalLm({ ...base(dirs[0]!), ...(await setUp([], 0.1)) });
    const without = await trainCausalLm({ ...base(dirs[1]!), ...(await setUp([], 0)) });
    expect(withDropout.history[7]!.loss).not.toBe(without.history[7]!.loss);
    const seeds = Array.from({ length: 1000 }, (_, index) => dropoutSeed(42, index));
    expect(new Set(seeds.map((seed) => Math.floor(seed / 4096))).size).toBe(1000);
    expect(seeds.every((seed) => seed % 4096 === 0 && Number.isSafeInteger(seed + 4095))).toBe(true);
  });

  it('refuses to resume a checkpoint made with other settings, listing each; forceResume continues and says so', async () => {
    const outputDir = await mkdtemp(join(tmpdir(), 'lora-c-'));
    await trainCausalLm({ ...base(outputDir), ...(await setUp()), maxSteps: 2, saveEvery: 1 });
    const changed = {
      learningRate: 1e-1,
      schedule: 'constant' as const,
      batchSize: 2,
      settings: { data: 'x' },
    };
    const error = await trainCausalLm({
      ...base(outputDir),
      ...(await setUp()),
      ...changed,
      maxSteps: 2,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResumeMismatchError);
    const mismatch = error as ResumeMismatchError;
    expect(mismatch.path).toBe(outputDir);
    expect(mismatch.changes.map((change) => change.setting).sort()).toEqual([
      'batchSize',
      'data',
      'learningRate',
      'schedule',
    ]);
    expect(mismatch.message).toMatch(/learningRate: 0\.02 → 0\.1\n/);
    expect(mismatch.message).toMatch(/schedule: linear → constant/);
    expect(mismatch.message).toMatch(/data: \(not set\) → x/);
    // A LoRA setting and the data are compared too.
    const other = await setUp();
    other.adapter.config.loraDropout = 0.3;
    await expect(trainCausalLm({ ...base(outputDir), ...other, maxSteps: 2 })).rejects.toThrow(
      /loraDropout: 0 → 0\.3/,
    );
    // The base's weight format (the CLI's --base-dtype): a Q8_0 base is not the f32 one the checkpoint trained on.
    const quantized = await createRandomModel(config(), { seed: 3, backend: 'wasm', dtype: 'q8_0' });
    const onQuantized = createLoraAdapter({
      model: quantized,
      config: (await setUp()).adapter.config,
      seed: 1,
    });
    await expect(
      trainCausalLm({ ...base(outputDir), model: quantized, adapter: onQuantized, maxSteps: 2 }),
    ).rejects.toThrow(/baseDtype: f32 → q8_0\n/);
    quantized.dispose();
    const fewer = { ...base(outputDir), examples: examples.slice(1), maxSteps: 2 };
    await expect(trainCausalLm({ ...fewer, ...(await setUp()) })).rejects.toThrow(
      /examples: 6 → 5\n {2}examplesSha256: [0-9a-f]{16}… → [0-9a-f]{16}…/,
    );
    const starts: TrainingStart[] = [];
    const forced = await trainCausalLm({
      ...base(outputDir),
      ...(await setUp()),
      learningRate: 1e-1,
      maxSteps: 4,
      forceResume: true,
      onStart: (start) => starts.push(start),
    });
    expect(forced.steps).toBe(4);
    expect(starts[0]!.step).toBe(2);
    expect(starts[0]!.changedSettings.map((change) => change.setting)).toEqual([
      'learningRate',
      'totalSteps',
    ]);
    expect(forced.changedSettings).toEqual(starts[0]!.changedSettings);
    expect(forced.history[2]!.learningRate).toBeCloseTo(1e-1 * (1 - 2 / 4));
    // The new settings are the checkpoint's now.
    expect((await readTrainerState(outputDir))!.settings.learningRate).toBe(1e-1);
  });

  it('says a finished run is finished instead of training again (no NaN loss)', async () => {
    const outputDir = await mkdtemp(join(tmpdir(), 'lora-f-'));
    const trained = await setUp();
    const first = await trainCausalLm({ ...base(outputDir), ...trained, maxSteps: 3 });
    expect((await readTrainerState(outputDir))!.finished).toBe(true);
    let steps = 0;
    const fresh = await setUp();
    const again = await trainCausalLm({
      ...base(outputDir),
      ...fresh,
      maxSteps: 3,
      onProgress: () => steps++,
    });
    // the caller's adapter now holds the trained weights (a merge after a rerun merges what was trained)
    const weights = (setup: typeof trained) =>
      [...setup.adapter.modules.values()].flatMap((module) => [...module.b.dataSync()]);
    expect(weights(fresh)).toEqual(weights(trained));
    expect(weights(fresh).some((value) => value !== 0)).toBe(true);
    expect(again).toMatchObject({
      alreadyFinished: true,
      aborted: false,
      steps: 3,
      finalLoss: first.finalLoss,
    });
    expect(Number.isFinite(again.finalLoss)).toBe(true);
    expect(steps).toBe(0);
  });

  it('locks the output folder: a second run is refused while one runs; stale locks are removed and reported', async () => {
    const outputDir = await mkdtemp(join(tmpdir(), 'lora-lock-'));
    const first = trainCausalLm({ ...base(outputDir), ...(await setUp()), maxSteps: 6 });
    const second = trainCausalLm({ ...base(outputDir), ...(await setUp()), maxSteps: 6 });
    await expect(second).rejects.toThrow(OutputLockedError);
    await expect(second).rejects.toThrow(`in use by another training run (pid ${process.pid}`);
    await first;
    expect(await readdir(outputDir)).not.toContain(LOCK_FILE);
    // A live process that is not this one holds it: refused, naming the pid and the lock file.
    const lock = join(outputDir, LOCK_FILE);
    const owner = {
      pid: process.ppid,
      hostname: hostname(),
      startedAt: '2026-01-01T00:00:00Z',
      command: 'x',
    };
    await writeFile(lock, JSON.stringify(owner));
    await expect(trainCausalLm({ ...base(outputDir), ...(await setUp()), maxSteps: 6 })).rejects.toThrow(
      `(pid ${process.ppid} on ${hostname()}`,
    );
    // Its process is gone: the lock is stale, removed and reported.
    const gone = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
    );
    await writeFile(lock, JSON.stringify({ ...owner, pid: gone }));
    const starts: TrainingStart[] = [];
    await trainCausalLm({
      ...base(outputDir),
      ...(await setUp()),
      maxSteps: 7,
      forceResume: true,
      onStart: (start) => starts.push(start),
    });
    expect(starts[0]!.staleLock?.pid).toBe(gone);
    expect(await readdir(outputDir)).not.toContain(LOCK_FILE);
  });

  it('fine-tunes every weight without an adapter and saves an HF model', async () => {
    const model = await createRandomModel(config(), { seed: 3, backend: 'cpu' });
    const outputDir = await mkdtemp(join(tmpdir(), 'full-'));
    const result = await trainCausalLm({ ...base(outputDir), model, maxSteps: 10, learningRate: 5e-3 });
    expect(result.history[9].loss).toBeLessThan(result.history[0].loss);
    expect(await readdir(outputDir)).toEqual(expect.arrayContaining(['config.json', 'model.safetensors']));
  });

  for (const dtype of ['q8_0', 'q4_0', 'bf16'] as const) {
    it(`trains LoRA on a frozen ${dtype} base (QLoRA-style); the adapter is an ordinary PEFT adapter for the f32 model`, async () => {
      const quantized = await createRandomModel(config(), { seed: 3, backend: 'wasm', dtype });
      expect(quantized.weightFormat('model.layers.0.mlp.down_proj.weight')).toBe(dtype);
      const loraConfig = createLoraConfig({
        r: 4,
        loraAlpha: 8,
        loraDropout: 0,
        targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
        modulesToSave: ['lm_head'],
      });
      const adapter = createLoraAdapter({ model: quantized, config: loraConfig, seed: 1 });
      const outputDir = await mkdtemp(join(tmpdir(), `qlora-${dtype}-`));
      const result = await trainCausalLm({
        ...base(outputDir),
        model: quantized,
        adapter,
        maxSteps: 20,
        schedule: 'constant',
      });
      const epochLoss = (from: number) => (result.history[from]!.loss + result.history[from + 1]!.loss) / 2;
      expect(epochLoss(18)).toBeLessThan(epochLoss(0) * 0.8);
      // lm_head (modules_to_save) was unfrozen to f32; the base weights stayed in the engine.
      expect(quantized.weightFormat('lm_head.weight')).toBe('f32');
      expect(quantized.stored.size).toBe(7 * 2 + 1);
      // The saved adapter on the float32 model: the loss it reaches is the quantized run's, within what the
      // quantization of the base moves it.
      const full = await createRandomModel(config(), { seed: 3, backend: 'wasm' });
      const reloaded = await loadLoraAdapter(outputDir, { model: full });
      await applyLoraAdapter(full, reloaded);
      const batch = examples.slice(0, 3);
      const lossOf = (model: LlamaModel, hookAdapter?: LoraAdapter) =>
        tf.tidy(() => {
          const logits = model.forward(
            batch.map((example) => example.inputIds),
            { linearHook: hookAdapter && createLoraHook(hookAdapter) },
          );
          return causalLmLoss(
            logits,
            batch.map((example) => example.labels),
          ).dataSync()[0]!;
        });
      const trained = lossOf(quantized, adapter);
      const onFull = lossOf(full);
      expect(Math.abs(onFull - trained)).toBeLessThan({ bf16: 0.01, q8_0: 0.02, q4_0: 0.2 }[dtype]);
      expect(onFull).toBeLessThan(epochLoss(0) * 0.8);
      quantized.dispose();
      full.dispose();
    });
  }

  it('refuses full fine-tuning of a model whose weights the engine holds frozen', async () => {
    const model = await createRandomModel(config(), { seed: 3, backend: 'wasm', dtype: 'q8_0' });
    await expect(
      trainCausalLm({ ...base(await mkdtemp(join(tmpdir(), 'full-q8-'))), model }),
    ).rejects.toThrow(/full fine-tuning trains every weight, but 16 are frozen q8_0 weights/);
    model.dispose();
  });
});
