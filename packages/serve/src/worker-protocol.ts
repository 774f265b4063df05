// Messages between the server thread and the generation worker (structured-clone plain objects).
import type { BackendName, LoadModelOptions } from '@lawgpt/llama-core';
import type { CompletionRequest, EngineStats } from './completion-engine.js';

/** What the worker loads: `workerData.options`. */
export interface WorkerInit {
  modelDir: string;
  tokenizerPath?: string;
  adapterDir?: string;
  backend?: BackendName;
  dtype?: LoadModelOptions['dtype'];
  /** `--template NAME|FILE`. */
  template?: string;
  modelId: string;
  contextLength?: number;
  allowLongContext?: boolean;
}

/**
 * Slots of the Int32Array shared with the worker: the id of a request to abort (written by the server), the id of
 * the request the worker is generating and the tokens it has computed so far (written by the worker).
 */
export const ABORT_ID = 0;
export const PROGRESS_ID = 1;
export const PROGRESS_TOKENS = 2;
export const SHARED_SLOTS = 3;

/** A serialisable error: enough to rebuild a `RequestError` (status, param, code) or report another. */
export interface WireError {
  name: string;
  message: string;
  status?: number;
  param?: string | null;
  code?: string | null;
  path?: string;
  field?: string;
}

/** The loaded model as the worker reports it. */
export interface WorkerReady {
  type: 'ready';
  contextLength: number;
  backend: string;
  template: { source: string; fromModel: boolean; warning?: string };
}

export type ToWorker =
  | { type: 'complete'; id: number; request: Omit<CompletionRequest, 'signal'> }
  | { type: 'stats'; id: number };

export type FromWorker =
  | WorkerReady
  | { type: 'fatal'; error: WireError }
  | { type: 'warning'; message: string }
  | { type: 'start'; id: number; promptTokens: number; maxTokens: number }
  | { type: 'chunk'; id: number; text: string }
  | {
      type: 'end';
      id: number;
      text: string;
      finishReason: 'stop' | 'length' | 'abort';
      usage: { promptTokens: number; completionTokens: number };
    }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'stats'; id: number; stats: EngineStats };

/** An error as a plain object. */
export function toWire(error: unknown): WireError {
  const value = error as Partial<WireError> & Error;
  const wire: WireError = { name: value?.name ?? 'Error', message: value?.message ?? String(error) };
  for (const key of ['status', 'param', 'code', 'path', 'field'] as const) {
    if (value?.[key] !== undefined) (wire as unknown as Record<string, unknown>)[key] = value[key];
  }
  return wire;
}
