import type { LlamaConfig } from '../config.js';
import type { LlamaModel } from '../model.js';

/** What the context-length rules need from generate's options. */
export interface ContextOptions {
  model: LlamaModel;
  /** Go past `max_position_embeddings` (default false: stop there). */
  allowLongContext?: boolean;
  /** Receives the warnings; default `console.warn`. */
  onWarning?: (message: string) => void;
}

/** New tokens one sequence may get, and whether the context length (not `maxNewTokens`) is what limits it. */
export interface ContextBudget {
  maxNewTokens: number;
  /** True when `max_position_embeddings` cuts the budget below `maxNewTokens`. */
  limited: boolean;
  /** Warn (once per model) that generation stopped at the context length. */
  warnStopped(): void;
}

const warned = new WeakMap<object, Set<string>>();

/** Call `onWarning` once per model and kind of warning, so a batch or a server warns once, not per prompt. */
function warnOnce(options: ContextOptions, kind: string, message: string): void {
  const kinds = warned.get(options.model) ?? new Set<string>();
  warned.set(options.model, kinds);
  if (kinds.has(kind)) return;
  kinds.add(kind);
  (options.onWarning ?? ((text: string) => console.warn(`warning: ${text}`)))(message);
}

/** The model's RoPE scaling in words, e.g. `linear RoPE scaling (position interpolation), factor 4`. */
export function describeRopeScaling(config: LlamaConfig): string {
  const scaling = config.ropeScaling;
  if (!scaling) return 'no RoPE scaling (rope_scaling is null): positions past it were never trained';
  const kind =
    scaling.type === 'linear' ? 'linear RoPE scaling (position interpolation)' : 'dynamic NTK RoPE scaling';
  return `${kind}, factor ${scaling.factor}`;
}

/**
 * The token budget of a prompt of `promptLength` tokens: `maxNewTokens`, cut so that no position reaches
 * `max_position_embeddings` unless `allowLongContext` is set (then a one-time warning names the RoPE
 * scaling in use when the budget can go past it).
 */
export function contextBudget(
  options: ContextOptions,
  promptLength: number,
  maxNewTokens: number,
): ContextBudget {
  const { config } = options.model;
  const limit = config.maxPositionEmbeddings;
  if (options.allowLongContext) {
    if (promptLength + maxNewTokens > limit) {
      warnOnce(
        options,
        'long-context',
        `generating past max_position_embeddings (${limit}) as allowLongContext asks, with ${describeRopeScaling(config)}`,
      );
    }
    return { maxNewTokens, limited: false, warnStopped: () => {} };
  }
  const room = Math.max(0, limit - promptLength);
  const limited = room < maxNewTokens;
  return {
    maxNewTokens: Math.min(maxNewTokens, room),
    limited,
    warnStopped: () =>
      warnOnce(
        options,
        'context-stop',
        `generation stopped at max_position_embeddings (${limit} positions; a prompt of ${promptLength} tokens ` +
          `left room for ${room}) with finish_reason "length". To go past it, pass allowLongContext ` +
          `(lawgpt: --allow-long-context); the model has ${describeRopeScaling(config)}.`,
      ),
  };
}
