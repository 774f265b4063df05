import { describe, expect, it } from 'vitest';
import { alpacaChineseTemplate, extractResponse, formatPrompt } from './prompt-template.js';

describe('prompt templates', () => {
  it('keeps the input field when present (LaWGPT dropped it)', () => {
    const prompt = formatPrompt({ instruction: '判断罪名', input: '甲盗窃财物' });
    expect(prompt).toContain('### Input:\n甲盗窃财物\n\n### Response:\n');
    expect(prompt).toContain('### Instruction:\n判断罪名');
  });

  it('uses the no-input variant for a missing or blank input', () => {
    expect(formatPrompt({ instruction: 'x', input: '  ' })).not.toContain('### Input:');
    expect(formatPrompt({ instruction: 'x' }, alpacaChineseTemplate)).toMatch(/### 指令:\nx\n\n### 回答:\n$/);
  });

  it('does not expand placeholders inside the user text', () => {
    expect(formatPrompt({ instruction: '{input}', input: 'A' })).toContain('### Instruction:\n{input}\n');
  });

  it('extracts the response after the marker', () => {
    const prompt = formatPrompt({ instruction: 'q' });
    expect(extractResponse(`${prompt}答案是甲。`)).toBe('答案是甲。');
  });
});
