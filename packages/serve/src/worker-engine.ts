import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AsyncChannel } from './async-channel.js';
import type {
  Completion,
  CompletionChunk,
  CompletionEngine,
  CompletionRequest,
  EngineStats,
} from './completion-engine.js';
import { EngineError, RequestError } from './errors.js';
import {
  ABORT_ID,
  type FromWorker,
  PROGRESS_ID,
  PROGRESS_TOKENS,
  SHARED_SLOTS,
  type WireError,
  type WorkerInit,
  type WorkerReady,
} from './worker-protocol.js';

/** Options of {@link createWorkerEngine}: what the worker loads. */
export interface WorkerEngineOptions {
  /** HF model folder or `.gguf` file. */
  modelDir: string;
  /** Tokenizer file or folder (default the model folder). */
  tokenizerPath?: string;
  /** PEFT LoRA adapter applied on top. */
  adapterDir?: string;
  backend?: WorkerInit['backend'];
  dtype?: WorkerInit['dtype'];
  /** `--template NAME|FILE`, over the model's own chat template. */
  template?: string;
  /** Model name in the API. */
  modelId: string;
  /** Longest prompt + completion (default the model's `max_position_embeddings`). */
  contextLength?: number;
  /** Allow `contextLength` past `max_position_embeddings`. */
  allowLongContext?: boolean;
  /** Receives generation warnings from the worker. */
  onWarning?: (message: string) => void;
}

/** A {@link CompletionEngine} whose model lives in a worker thread. */
export interface WorkerEngine extends CompletionEngine {
  /** Backend the worker runs on. */
  readonly backend: string;
  /** The chat template in use, where it came from, and the warning when the model has none. */
  readonly template: WorkerReady['template'];
  stats(): Promise<EngineStats>;
  close(): Promise<void>;
}

/** dist/worker.js (or .cjs) next to this module; from the sources (tests) the built one in ../dist. */
function workerUrl(): URL {
  const extension = import.meta.url.endsWith('.cjs') ? '.cjs' : '.js';
  const sibling = new URL(`./worker${extension}`, import.meta.url);
  return existsSync(fileURLToPath(sibling)) ? sibling : new URL('../dist/worker.js', import.meta.url);
}

function fromWire(error: WireError): Error {
  if (error.name === 'RequestError' || error.status !== undefined)
    return new RequestError(error.message, {
      status: error.status ?? 400,
      param: error.param,
      code: error.code,
    });
  return new EngineError(`${error.name}: ${error.message}`, { path: error.path, field: error.field });
}

interface Pending {
  signal?: AbortSignal;
  started?: (completion: Completion) => void;
  failed: (error: Error) => void;
  channel?: AsyncChannel<CompletionChunk>;
  /** Tokens the worker had computed when the abort was requested. */
  tokensAtAbort?: number;
}

/**
 * Start a worker thread that loads the model (llama-core, LoRA, tokenizer, chat template) and generates there,
 * posting each token's text as it is produced. Resolves once the model is loaded; rejects with the load error.
 * Aborting a request's `signal` stops its generation after at most one more token.
 */
export async function createWorkerEngine(options: WorkerEngineOptions): Promise<WorkerEngine> {
  const { onWarning, ...init } = options;
  const abortFlag = new SharedArrayBuffer(SHARED_SLOTS * 4);
  const shared = new Int32Array(abortFlag);
  // the worker checks the flag after every token; what it had computed then is kept to report the overrun
  const abort = (id: number) => {
    const entry = pending.get(id);
    if (entry && entry.tokensAtAbort === undefined)
      entry.tokensAtAbort =
        Atomics.load(shared, PROGRESS_ID) === id ? Atomics.load(shared, PROGRESS_TOKENS) : 0;
    Atomics.store(shared, ABORT_ID, id);
  };
  const worker = new Worker(workerUrl(), { workerData: { options: init satisfies WorkerInit, abortFlag } });
  const pending = new Map<number, Pending>();
  const statsWaiters = new Map<
    number,
    { resolve: (stats: EngineStats) => void; reject: (error: Error) => void }
  >();
  let nextId = 1;
  let dead: Error | undefined;

  const ready = new Promise<WorkerReady>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') return resolve(message);
      if (message.type === 'fatal') {
        reject(fromWire(message.error));
        void worker.terminate();
        return;
      }
      if (message.type === 'warning') return onWarning?.(message.message);
      if (message.type === 'stats') {
        statsWaiters.get(message.id)?.resolve(message.stats);
        statsWaiters.delete(message.id);
        return;
      }
      const entry = pending.get(message.id);
      if (!entry) return;
      if (message.type === 'error') {
        pending.delete(message.id);
        const error = fromWire(message.error);
        if (entry.channel) entry.channel.fail(error);
        else entry.failed(error);
      } else if (message.type === 'start') {
        entry.channel = new AsyncChannel<CompletionChunk>(() => abort(message.id));
        entry.started?.({
          promptTokens: message.promptTokens,
          maxTokens: message.maxTokens,
          chunks: entry.channel,
        });
      } else if (message.type === 'chunk') entry.channel?.push({ text: message.text });
      else if (message.type === 'end') {
        pending.delete(message.id);
        const { text, finishReason, usage } = message;
        if (!entry.channel)
          return entry.failed(entry.signal?.reason ?? new RequestError('aborted', { status: 499 }));
        const overrun =
          finishReason === 'abort' && entry.tokensAtAbort !== undefined
            ? { tokensAfterAbort: Math.max(0, usage.completionTokens - entry.tokensAtAbort) }
            : {};
        entry.channel.push({ text, finishReason, usage, ...overrun });
        entry.channel.end();
      }
    });
    worker.on('error', (error) => {
      dead = new EngineError(`generation worker failed: ${error.message}`, { cause: error });
      reject(dead);
    });
    worker.on('exit', (code) => {
      dead ??= new EngineError(`generation worker exited (code ${code})`);
      reject(dead);
      for (const entry of pending.values()) {
        if (entry.channel) entry.channel.fail(dead);
        else entry.failed(dead);
      }
      pending.clear();
      for (const waiter of statsWaiters.values()) waiter.reject(dead);
      statsWaiters.clear();
    });
  });
  const info = await ready;

  return {
    modelId: options.modelId,
    contextLength: info.contextLength,
    backend: info.backend,
    template: info.template,
    complete(request: CompletionRequest): Promise<Completion> {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      const { signal, ...fields } = request;
      return new Promise<Completion>((resolve, reject) => {
        pending.set(id, { signal, started: resolve, failed: reject });
        const onAbort = () => abort(id);
        if (signal?.aborted) onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        worker.postMessage({ type: 'complete', id, request: fields });
      });
    },
    stats() {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise<EngineStats>((resolve, reject) => {
        statsWaiters.set(id, { resolve, reject });
        worker.postMessage({ type: 'stats', id });
      });
    },
    async close() {
      dead ??= new EngineError('engine closed');
      await worker.terminate();
    },
  };
}
