import { describe, expect, it } from 'vitest';
import { createLoraConfig } from './adapter-config.js';
import { isTargetModule, llamaModuleNames, loraTensorNames, moduleRankAndScaling } from './target-modules.js';

describe('target modules', () => {
  it('matches list entries by name suffix only at a dot boundary', () => {
    const config = createLoraConfig({ targetModules: ['q_proj', 'v_proj'] });
    const names = llamaModuleNames(2).filter((name) => isTargetModule(config, name));
    expect(names).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.self_attn.v_proj',
      'model.layers.1.self_attn.q_proj',
      'model.layers.1.self_attn.v_proj',
    ]);
    expect(isTargetModule(config, 'model.layers.0.self_attn.xq_proj')).toBe(false);
  });

  it('treats a string as a full-match regular expression and honours layers_to_transform', () => {
    const config = createLoraConfig({ targetModules: '.*\\.(q|k)_proj', layersToTransform: [1] });
    expect(isTargetModule(config, 'model.layers.1.self_attn.k_proj')).toBe(true);
    expect(isTargetModule(config, 'model.layers.0.self_attn.k_proj')).toBe(false);
    expect(isTargetModule(config, 'model.layers.1.self_attn.v_proj')).toBe(false);
  });

  it('computes scaling as alpha/r, alpha/sqrt(r) with rsLoRA, and per-module patterns', () => {
    expect(moduleRankAndScaling(createLoraConfig({ r: 4, loraAlpha: 8 }), 'x.q_proj').scaling).toBe(2);
    expect(
      moduleRankAndScaling(createLoraConfig({ r: 4, loraAlpha: 8, useRslora: true }), 'x.q_proj').scaling,
    ).toBe(4);
    const patterned = createLoraConfig({
      r: 4,
      loraAlpha: 8,
      rankPattern: { v_proj: 2 },
      alphaPattern: { v_proj: 6 },
    });
    expect(moduleRankAndScaling(patterned, 'model.layers.0.self_attn.v_proj')).toEqual({
      rank: 2,
      scaling: 3,
    });
    expect(moduleRankAndScaling(patterned, 'model.layers.0.self_attn.q_proj')).toEqual({
      rank: 4,
      scaling: 2,
    });
  });

  it('names tensors the way PEFT saves them', () => {
    expect(loraTensorNames('model.layers.2.mlp.down_proj').b).toBe(
      'base_model.model.model.layers.2.mlp.down_proj.lora_B.weight',
    );
  });
});
