import { readFileSync } from 'node:fs';
import { describeWithShared, sharedPath } from '@lawgpt/test-helpers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { type ChatMessage, renderChatTemplate } from './chat-template.js';
import { TokenizerInputError, TokenizerModelError } from './errors.js';
import { loadTokenizer } from './load-tokenizer.js';

describe('renderChatTemplate', () => {
  const template =
    '{% for m in messages %}{{ bos_token }}[{{ m.role }}] {{ m.content | trim }}\n{% endfor %}' +
    '{% if add_generation_prompt %}[assistant]{% endif %}{% if tools is none %} no-tools{% endif %}';

  it('passes messages, add_generation_prompt, special tokens and tools = None', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: ' 何为盗窃罪？ ' }];
    expect(renderChatTemplate({ template, messages, specialTokens: { bos_token: '<s>' } })).toBe(
      '<s>[user] 何为盗窃罪？\n no-tools',
    );
    expect(renderChatTemplate({ template, messages, addGenerationPrompt: true, tools: [{}] })).toBe(
      '[user] 何为盗窃罪？\n[assistant]',
    );
  });

  it('turns raise_exception into TokenizerInputError and a broken template into TokenizerModelError', () => {
    const raising = "{{ raise_exception('Conversation roles must alternate') }}";
    expect(() => renderChatTemplate({ template: raising, messages: [] })).toThrow(TokenizerInputError);
    expect(() => renderChatTemplate({ template: raising, messages: [] })).toThrow(/must alternate/);
    expect(() => renderChatTemplate({ template: '{% if %}', messages: [] })).toThrow(TokenizerModelError);
  });
});

const SYSTEM = '你是一名中国法律助手。';
const QUESTION = '盗窃公私财物，数额较大的，如何处罚？';
const ANSWER = '依照《刑法》第二百六十四条，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金。';
const FOLLOW_UP = '数额巨大呢？';
const im = (role: string, content: string) => `<|im_start|>${role}\n${content}<|im_end|>\n`;

/**
 * Expected strings derived by hand from the Qwen3 template (trim_blocks/lstrip_blocks, as transformers renders
 * it): the system turn first; earlier assistant turns without <think>; the last assistant turn after the last
 * user query wrapped in an empty <think></think>; tool calls as <tool_call> JSON; tool results as a user turn.
 */
describeWithShared('Qwen3 chat template (tokenizer_config.json)', ['fixtures/tokenizers/qwen3'], () => {
  let qwen: ByteLevelBpeTokenizer;
  beforeAll(async () => {
    qwen = (await loadTokenizer(sharedPath('fixtures/tokenizers/qwen3'))) as ByteLevelBpeTokenizer;
  });

  it('system prompt + user, with and without the generation prompt', () => {
    const messages = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: QUESTION },
    ];
    const prompt = im('system', SYSTEM) + im('user', QUESTION);
    expect(qwen.applyChatTemplate(messages)).toBe(prompt);
    expect(qwen.applyChatTemplate(messages, { addGenerationPrompt: true })).toBe(
      `${prompt}<|im_start|>assistant\n`,
    );
    expect(
      qwen.applyChatTemplate(messages, { addGenerationPrompt: true, variables: { enable_thinking: false } }),
    ).toBe(`${prompt}<|im_start|>assistant\n<think>\n\n</think>\n\n`);
  });

  it('multi-turn: earlier answers plain, reasoning of earlier turns dropped', () => {
    const messages = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: `<think>\n查刑法。\n</think>\n\n${ANSWER}` },
      { role: 'user', content: FOLLOW_UP },
    ];
    expect(qwen.applyChatTemplate(messages, { addGenerationPrompt: true })).toBe(
      im('system', SYSTEM) +
        im('user', QUESTION) +
        im('assistant', ANSWER) +
        im('user', FOLLOW_UP) +
        '<|im_start|>assistant\n',
    );
  });

  it('a final assistant turn (training text) gets the empty think block; no system turn', () => {
    const messages = [
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: ANSWER },
    ];
    expect(qwen.applyChatTemplate(messages)).toBe(
      im('user', QUESTION) + im('assistant', `<think>\n\n</think>\n\n${ANSWER}`),
    );
    const reasoned = [
      messages[0],
      { role: 'assistant', content: ANSWER, reasoning_content: '\n数额较大。\n' },
    ];
    expect(qwen.applyChatTemplate(reasoned)).toBe(
      im('user', QUESTION) + im('assistant', `<think>\n数额较大。\n</think>\n\n${ANSWER}`),
    );
  });

  it('tools, a tool call and its result', () => {
    const tool = {
      type: 'function',
      function: {
        name: 'get_article',
        parameters: { type: 'object', properties: { law: { type: 'string' } } },
      },
    };
    const messages = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: '刑法第264条？' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { type: 'function', function: { name: 'get_article', arguments: { law: '刑法', article: 264 } } },
        ],
      },
      { role: 'tool', content: '第二百六十四条 盗窃公私财物……' },
    ];
    const toolsBlock =
      '# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' +
      'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
      '{"type": "function", "function": {"name": "get_article", "parameters": {"type": "object", "properties": {"law": {"type": "string"}}}}}' +
      '\n</tools>\n\nFor each function call, return a json object with function name and arguments within ' +
      '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>';
    expect(qwen.applyChatTemplate(messages, { addGenerationPrompt: true, tools: [tool] })).toBe(
      im('system', `${SYSTEM}\n\n${toolsBlock}`) +
        im('user', '刑法第264条？') +
        im(
          'assistant',
          '<tool_call>\n{"name": "get_article", "arguments": {"law": "刑法", "article": 264}}\n</tool_call>',
        ) +
        im('user', '<tool_response>\n第二百六十四条 盗窃公私财物……\n</tool_response>') +
        '<|im_start|>assistant\n',
    );
  });

  it('multi-step tool use: the last real query decides which turns keep their reasoning', () => {
    // The user turn holding a <tool_response> is not a query, so Q2 is the last one: A2 (after it, with
    // reasoning) keeps its think block; string arguments are written as is, dict arguments as JSON.
    const messages = [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
      { role: 'assistant', content: '<think>r2</think>A2' },
      { role: 'system', content: 'mid system' },
      { role: 'user', content: '<tool_response>x</tool_response>' },
      {
        role: 'assistant',
        content: 'A3',
        tool_calls: [
          { name: 'f', arguments: '{"a": 1}' },
          { function: { name: 'g', arguments: { b: [1, 2] } } },
        ],
      },
      { role: 'tool', content: 'r1' },
      { role: 'tool', content: 'r2' },
    ];
    expect(qwen.applyChatTemplate(messages, { addGenerationPrompt: true })).toBe(
      im('user', 'Q1') +
        im('assistant', 'A1') +
        im('user', 'Q2') +
        im('assistant', '<think>\nr2\n</think>\n\nA2') +
        im('system', 'mid system') +
        im('user', '<tool_response>x</tool_response>') +
        im(
          'assistant',
          'A3\n<tool_call>\n{"name": "f", "arguments": {"a": 1}}\n</tool_call>\n' +
            '<tool_call>\n{"name": "g", "arguments": {"b": [1, 2]}}\n</tool_call>',
        ) +
        im('user', '<tool_response>\nr1\n</tool_response>\n<tool_response>\nr2\n</tool_response>') +
        '<|im_start|>assistant\n',
    );
  });

  it('encodes the rendered prompt with the special tokens as ids', () => {
    const prompt = qwen.applyChatTemplate([{ role: 'user', content: QUESTION }], {
      addGenerationPrompt: true,
    });
    const ids = qwen.encode(prompt, { allowSpecial: true });
    expect(ids.slice(0, 2)).toEqual([qwen.pieceToId('<|im_start|>'), qwen.pieceToId('user')]);
    expect(ids.filter((id) => id === qwen.eosId)).toHaveLength(1);
    expect(qwen.decode(ids, { skipSpecial: false })).toBe(prompt);
  });

  it('a tokenizer without a template says which field is missing', () => {
    const json = JSON.parse(readFileSync(sharedPath('fixtures/tokenizers/qwen3/tokenizer.json'), 'utf8'));
    const bare = ByteLevelBpeTokenizer.fromJson(json, { path: 'bare/tokenizer.json' });
    expect(() => bare.applyChatTemplate([{ role: 'user', content: 'x' }])).toThrow(/chat_template/);
  });
});
