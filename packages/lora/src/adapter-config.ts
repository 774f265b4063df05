import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AdapterConfigError } from './errors.js';

/** A PEFT LoRA `adapter_config.json`, with the fields this package reads (camelCase). */
export interface LoraConfig {
  /** Rank `r` of every adapted module (unless `rankPattern` overrides it). */
  r: number;
  /** `lora_alpha`; scaling = alpha / r, or alpha / sqrt(r) with rsLoRA. */
  loraAlpha: number;
  /** `lora_dropout` (used only in training). */
  loraDropout: number;
  /** Module-name suffixes (e.g. `q_proj`) or one regular expression (PEFT accepts both). */
  targetModules: string[] | string;
  /** Modules trained and saved in full (e.g. `embed_tokens`, `lm_head` for a vocabulary extension). */
  modulesToSave: string[];
  /** rsLoRA: scale by alpha / sqrt(r). */
  useRslora: boolean;
  /** Per-module rank overrides keyed by a name pattern. */
  rankPattern: Record<string, number>;
  /** Per-module alpha overrides keyed by a name pattern. */
  alphaPattern: Record<string, number>;
  /** Layer indices to adapt (null: all). */
  layersToTransform: number[] | null;
  /** The base model path recorded by PEFT (informational). */
  baseModelNameOrPath: string | null;
  /** Every other field of the file, kept so `save` writes it back unchanged. */
  extra: Record<string, unknown>;
}

const known = new Set([
  'r',
  'lora_alpha',
  'lora_dropout',
  'target_modules',
  'modules_to_save',
  'use_rslora',
  'rank_pattern',
  'alpha_pattern',
  'layers_to_transform',
  'base_model_name_or_path',
]);

/** Options for {@link createLoraConfig}: the fields of {@link LoraConfig}, all optional. */
export type LoraConfigOptions = Partial<Omit<LoraConfig, 'extra'>>;

/** A LoRA config with PEFT's defaults for causal-LM LLaMA fine-tuning (r 8, alpha 16, q/v projections). */
export function createLoraConfig({
  r = 8,
  loraAlpha = 16,
  loraDropout = 0.05,
  targetModules = ['q_proj', 'v_proj'],
  modulesToSave = [],
  useRslora = false,
  rankPattern = {},
  alphaPattern = {},
  layersToTransform = null,
  baseModelNameOrPath = null,
}: LoraConfigOptions = {}): LoraConfig {
  const config: LoraConfig = {
    r,
    loraAlpha,
    loraDropout,
    targetModules,
    modulesToSave,
    useRslora,
    rankPattern,
    alphaPattern,
    layersToTransform,
    baseModelNameOrPath,
    extra: {},
  };
  validate(config, '<options>');
  return config;
}

function validate(config: LoraConfig, path: string): void {
  const fail = (field: string, expected: string, actual: unknown) => {
    throw new AdapterConfigError(
      `${path}: field "${field}" is ${JSON.stringify(actual)}; expected ${expected}`,
      {
        path,
        field,
        expected,
        actual,
      },
    );
  };
  if (!Number.isInteger(config.r) || config.r < 1) fail('r', 'a positive integer', config.r);
  if (!Number.isFinite(config.loraAlpha) || config.loraAlpha <= 0)
    fail('lora_alpha', 'a positive number', config.loraAlpha);
  if (!(config.loraDropout >= 0 && config.loraDropout < 1))
    fail('lora_dropout', 'a number in [0, 1)', config.loraDropout);
  const targets = config.targetModules;
  if (
    !(typeof targets === 'string' || (Array.isArray(targets) && targets.every((t) => typeof t === 'string')))
  ) {
    fail('target_modules', 'a list of module names or a regular expression', targets);
  }
  if (Array.isArray(targets) && targets.length === 0 && config.modulesToSave.length === 0) {
    fail('target_modules', 'at least one module', targets);
  }
}

/** Parse the JSON text of an `adapter_config.json`; `path` is used in error messages. */
export function parseLoraConfig(text: string, path = 'adapter_config.json'): LoraConfig {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new AdapterConfigError(
      `${path}: not valid JSON (${(error as Error).message})`,
      { path },
      { cause: error },
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AdapterConfigError(`${path}: expected a JSON object`, { path });
  }
  const peftType = raw.peft_type ?? 'LORA';
  if (peftType !== 'LORA') {
    throw new AdapterConfigError(
      `${path}: peft_type is ${JSON.stringify(peftType)}; only "LORA" is supported`,
      {
        path,
        field: 'peft_type',
        expected: 'LORA',
        actual: peftType,
      },
    );
  }
  for (const field of ['use_dora', 'fan_in_fan_out'] as const) {
    if (raw[field] === true) {
      throw new AdapterConfigError(`${path}: ${field}=true is not supported`, { path, field, actual: true });
    }
  }
  if (raw.bias !== undefined && raw.bias !== 'none') {
    throw new AdapterConfigError(
      `${path}: bias=${JSON.stringify(raw.bias)} is not supported; expected "none"`,
      {
        path,
        field: 'bias',
        expected: 'none',
        actual: raw.bias,
      },
    );
  }
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!known.has(key)) extra[key] = value;
  const config: LoraConfig = {
    r: raw.r as number,
    loraAlpha: (raw.lora_alpha ?? 8) as number,
    loraDropout: (raw.lora_dropout ?? 0) as number,
    targetModules: (raw.target_modules ?? []) as string[] | string,
    modulesToSave: (raw.modules_to_save ?? []) as string[],
    useRslora: raw.use_rslora === true,
    rankPattern: (raw.rank_pattern ?? {}) as Record<string, number>,
    alphaPattern: (raw.alpha_pattern ?? {}) as Record<string, number>,
    layersToTransform: normalizeLayers(raw.layers_to_transform),
    baseModelNameOrPath: (raw.base_model_name_or_path ?? null) as string | null,
    extra,
  };
  validate(config, path);
  return config;
}

function normalizeLayers(value: unknown): number[] | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? [value] : (value as number[]);
}

/** Read `<dir>/adapter_config.json`. */
export async function readLoraConfig(dir: string): Promise<LoraConfig> {
  const path = join(dir, 'adapter_config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AdapterConfigError(`${path}: cannot read adapter config (${(error as Error).message})`, {
      path,
    });
  }
  return parseLoraConfig(text, path);
}

/** The JSON object PEFT writes for `config` (snake_case, PEFT's default fields filled in). */
export function serializeLoraConfig(config: LoraConfig): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    use_dora: false,
    layers_pattern: null,
    revision: null,
    ...config.extra,
    r: config.r,
    lora_alpha: config.loraAlpha,
    lora_dropout: config.loraDropout,
    target_modules: config.targetModules,
    modules_to_save: config.modulesToSave.length > 0 ? config.modulesToSave : null,
    use_rslora: config.useRslora,
    rank_pattern: config.rankPattern,
    alpha_pattern: config.alphaPattern,
    layers_to_transform: config.layersToTransform,
    base_model_name_or_path: config.baseModelNameOrPath,
  };
}
