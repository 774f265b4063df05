import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCharacterTokenizer } from './character-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';
import { readTokenizerConfig, saveChatTemplate } from './tokenizer-config.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('saveChatTemplate', () => {
  it('adds chat_template to a saved tokenizer_config.json and keeps every other field', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lawgpt-chat-template-'));
    const tokenizer = createCharacterTokenizer({ texts: ['盗窃罪'] });
    await tokenizer.save(dir);
    const before = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'));
    const path = await saveChatTemplate({ dir, template: '{{ bos_token }}{{ messages[0].content }}' });
    const after = JSON.parse(await readFile(path, 'utf8'));
    expect(after).toEqual({ ...before, chat_template: '{{ bos_token }}{{ messages[0].content }}' });
    const config = await readTokenizerConfig(join(dir, 'tokenizer.model'));
    expect(config?.chatTemplate).toBe('{{ bos_token }}{{ messages[0].content }}');
    // the tokenizer still loads from the folder
    expect((await loadTokenizer(dir)).vocabSize).toBe(tokenizer.vocabSize);
  });

  it('creates the config when missing and rewrites a chat_template.jinja that would shadow it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lawgpt-chat-template-'));
    await saveChatTemplate({ dir, template: 'a' });
    expect(JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'))).toEqual({
      chat_template: 'a',
    });
    await writeFile(join(dir, 'chat_template.jinja'), 'old');
    await saveChatTemplate({ dir, template: 'b' });
    expect(await readFile(join(dir, 'chat_template.jinja'), 'utf8')).toBe('b');
    expect((await readTokenizerConfig(join(dir, 'x')))?.chatTemplate).toBe('b');
    expect(existsSync(join(dir, 'tokenizer.json'))).toBe(false);
  });
});
