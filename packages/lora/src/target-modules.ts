import type { LoraConfig } from './adapter-config.js';

/** The linear modules of one LLaMA decoder layer, by HF name suffix, in forward order. */
export const llamaLinearModules = [
  'self_attn.q_proj',
  'self_attn.k_proj',
  'self_attn.v_proj',
  'self_attn.o_proj',
  'mlp.gate_proj',
  'mlp.up_proj',
  'mlp.down_proj',
] as const;

/** Every linear module name of a LLaMA model with `numLayers` layers (`model.layers.{i}.self_attn.q_proj`, …). */
export function llamaModuleNames(numLayers: number): string[] {
  const names: string[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    for (const suffix of llamaLinearModules) names.push(`model.layers.${layer}.${suffix}`);
  }
  return names;
}

/**
 * Whether PEFT would wrap `moduleName` with LoRA under `config`: a list matches a module whose name equals
 * an entry or ends with `.entry`; a string is a regular expression that must match the whole name.
 */
export function isTargetModule(config: LoraConfig, moduleName: string): boolean {
  const targets = config.targetModules;
  const matched =
    typeof targets === 'string'
      ? new RegExp(`^(?:${targets})$`).test(moduleName)
      : targets.some((target) => moduleName === target || moduleName.endsWith(`.${target}`));
  if (!matched || config.layersToTransform === null) return matched;
  const layer = /\.layers\.(\d+)\./.exec(moduleName);
  return layer !== null && config.layersToTransform.includes(Number(layer[1]));
}

function patternValue(patterns: Record<string, number>, moduleName: string): number | undefined {
  for (const [pattern, value] of Object.entries(patterns)) {
    if (new RegExp(`(?:^|\\.)(?:${pattern})$`).test(moduleName)) return value;
  }
  return undefined;
}

/** Rank and scaling of one adapted module: `rank_pattern`/`alpha_pattern` first, then `r`/`lora_alpha`. */
export function moduleRankAndScaling(
  config: LoraConfig,
  moduleName: string,
): { rank: number; scaling: number } {
  const rank = patternValue(config.rankPattern, moduleName) ?? config.r;
  const alpha = patternValue(config.alphaPattern, moduleName) ?? config.loraAlpha;
  return { rank, scaling: config.useRslora ? alpha / Math.sqrt(rank) : alpha / rank };
}

/** PEFT's tensor names for the LoRA factors of `moduleName` in `adapter_model.safetensors`. */
export function loraTensorNames(moduleName: string): { a: string; b: string } {
  return {
    a: `base_model.model.${moduleName}.lora_A.weight`,
    b: `base_model.model.${moduleName}.lora_B.weight`,
  };
}

/** HF module name of a `modules_to_save` entry for LLaMA (`embed_tokens` → `model.embed_tokens`). */
export function savedModuleName(entry: string): string {
  if (entry === 'lm_head' || entry.startsWith('model.')) return entry;
  return `model.${entry}`;
}

/** PEFT's tensor name for a fully saved module's weight (`base_model.model.model.embed_tokens.weight`). */
export function savedModuleTensorName(moduleName: string): string {
  return `base_model.model.${moduleName}.weight`;
}
