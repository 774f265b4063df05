import { describe, expect, it } from 'vitest';
import { parseLoraConfig, serializeLoraConfig } from './adapter-config.js';
import { AdapterConfigError } from './errors.js';

const peft = {
  peft_type: 'LORA',
  task_type: 'CAUSAL_LM',
  r: 4,
  lora_alpha: 8,
  lora_dropout: 0.0,
  target_modules: ['q_proj', 'v_proj'],
  bias: 'none',
  fan_in_fan_out: false,
  modules_to_save: null,
  use_rslora: false,
  revision: null,
};

describe('adapter_config.json', () => {
  it('parses PEFT fields and writes them back with unknown fields preserved', () => {
    const config = parseLoraConfig(JSON.stringify({ ...peft, custom_field: 7 }));
    expect(config).toMatchObject({
      r: 4,
      loraAlpha: 8,
      targetModules: ['q_proj', 'v_proj'],
      modulesToSave: [],
    });
    const written = serializeLoraConfig(config);
    expect(written).toMatchObject({
      r: 4,
      lora_alpha: 8,
      custom_field: 7,
      modules_to_save: null,
      peft_type: 'LORA',
    });
  });

  it('names the file and field of a bad value', () => {
    expect(() => parseLoraConfig(JSON.stringify({ ...peft, r: 0 }), '/x/adapter_config.json')).toThrow(
      /\/x\/adapter_config\.json: field "r" is 0; expected a positive integer/,
    );
    expect(() => parseLoraConfig('{"r": 4,', 'a.json')).toThrow(AdapterConfigError);
    expect(() => parseLoraConfig(JSON.stringify({ ...peft, peft_type: 'IA3' }))).toThrow(/only "LORA"/);
    expect(() => parseLoraConfig(JSON.stringify({ ...peft, use_dora: true }))).toThrow(/use_dora/);
  });
});
