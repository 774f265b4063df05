// The generation worker: loads the model with llama-core and runs one completion at a time, posting each
// token's text as it is produced. The server thread never runs the model, so it answers while this works.
// A request is aborted through a shared Int32Array (the server stores the request id in it), read after every
// token: a busy worker cannot process messages until its generation yields to the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { resolveChatTemplate } from './chat-template.js';
import type { CompletionEngine } from './completion-engine.js';
import { createLlamaEngine } from './llama-engine.js';
import { loadRuntime } from './load-runtime.js';
import {
  ABORT_ID,
  type FromWorker,
  PROGRESS_ID,
  PROGRESS_TOKENS,
  type ToWorker,
  toWire,
  type WorkerInit,
} from './worker-protocol.js';

const port = parentPort!;
const { options, abortFlag } = workerData as { options: WorkerInit; abortFlag: SharedArrayBuffer };
const aborted = new Int32Array(abortFlag);
const post = (message: FromWorker) => port.postMessage(message);

async function start(): Promise<CompletionEngine> {
  const runtime = await loadRuntime(options);
  try {
    const template = await resolveChatTemplate({
      override: options.template,
      tokenizer: runtime.tokenizer,
      locations: [options.tokenizerPath, options.adapterDir, options.modelDir],
    });
    const engine = createLlamaEngine({
      ...runtime,
      chatTemplate: template.template,
      modelId: options.modelId,
      contextLength: options.contextLength,
      allowLongContext: options.allowLongContext,
      onWarning: (message) => post({ type: 'warning', message }),
    });
    const { source, fromModel, warning } = template;
    post({
      type: 'ready',
      contextLength: engine.contextLength,
      backend: runtime.model.backend?.name ?? '?',
      template: { source, fromModel, warning },
    });
    return engine;
  } catch (error) {
    runtime.model.dispose();
    throw error;
  }
}

async function complete(engine: CompletionEngine, id: number, request: ToWorker & { type: 'complete' }) {
  if (Atomics.load(aborted, ABORT_ID) === id)
    return post({
      type: 'end',
      id,
      text: '',
      finishReason: 'abort',
      usage: { promptTokens: 0, completionTokens: 0 },
    });
  const controller = new AbortController();
  Atomics.store(aborted, PROGRESS_ID, id);
  Atomics.store(aborted, PROGRESS_TOKENS, 0);
  const completion = await engine.complete({ ...request.request, signal: controller.signal });
  post({ type: 'start', id, promptTokens: completion.promptTokens, maxTokens: completion.maxTokens });
  let completionTokens = 0;
  for await (const chunk of completion.chunks) {
    if (chunk.finishReason) {
      const usage = chunk.usage ?? { promptTokens: completion.promptTokens, completionTokens };
      return post({ type: 'end', id, text: chunk.text, finishReason: chunk.finishReason, usage });
    }
    completionTokens++;
    Atomics.store(aborted, PROGRESS_TOKENS, completionTokens);
    if (chunk.text !== '') post({ type: 'chunk', id, text: chunk.text });
    // leaving the loop ends the generator at once: its KV cache is freed and no further token is computed
    if (Atomics.load(aborted, ABORT_ID) === id) {
      controller.abort();
      const usage = { promptTokens: completion.promptTokens, completionTokens };
      return post({ type: 'end', id, text: '', finishReason: 'abort', usage });
    }
  }
}

function stats() {
  const memory = tf.memory();
  return { rss: process.memoryUsage().rss, tensors: memory.numTensors, tensorBytes: memory.numBytes };
}

start().then(
  (engine) => {
    let queue: Promise<unknown> = Promise.resolve();
    port.on('message', (message: ToWorker) => {
      if (message.type === 'stats') {
        queue = queue.then(() => post({ type: 'stats', id: message.id, stats: stats() }));
        return;
      }
      queue = queue.then(() =>
        complete(engine, message.id, message).catch((error) =>
          post({ type: 'error', id: message.id, error: toWire(error) }),
        ),
      );
    });
  },
  (error) => {
    // the server terminates the worker when it reads this
    post({ type: 'fatal', error: toWire(error) });
  },
);
