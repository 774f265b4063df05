import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alpacaChineseTemplate,
  alpacaTemplate,
  formatPrompt,
  type PromptTemplate,
  toChatTemplate,
  tokenizeInstruction,
} from '@lawgpt/lora';
import {
  type ChatMessage,
  createCharacterTokenizer,
  renderChatTemplate,
  saveChatTemplate,
} from '@lawgpt/tokenizer-legal';
import { afterEach, describe, expect, it } from 'vitest';
import {
  builtinChatTemplates,
  chatPromptTokenizer,
  createChatPrompter,
  resolveChatTemplate,
} from './chat-template.js';
import { TemplateError } from './errors.js';
import { TINY_TEXTS } from './tiny-model.test-helpers.js';

/** What the template must render: the Alpaca layout of the last turn, earlier turns and system text as `input`. */
function expected(messages: ChatMessage[], template: PromptTemplate): string {
  const answer =
    messages.length > 1 && messages.at(-1)!.role === 'assistant' ? messages.at(-1)!.content : undefined;
  const turns = answer === undefined ? messages : messages.slice(0, -1);
  const input = turns
    .slice(0, -1)
    .map((message) => (message.role === 'system' ? message.content : `${message.role}: ${message.content}`))
    .join('\n');
  const prompt = formatPrompt({ instruction: turns.at(-1)!.content, input }, template);
  return `<s>${prompt}${answer === undefined ? '' : `${answer}</s>`}`;
}

const conversations: ChatMessage[][] = [
  [{ role: 'user', content: '《刑法》第二百六十四条规定了什么？' }],
  [
    { role: 'system', content: '你是法律助手' },
    { role: 'user', content: '甲偷了钱包，构成什么罪？' },
  ],
  [
    { role: 'user', content: '盗窃罪的构成要件？' },
    { role: 'assistant', content: '以非法占有为目的…' },
    { role: 'user', content: '数额较大是多少？ {instruction} {{ x }} "quoted" back\\slash\nnew line' },
  ],
  [
    { role: 'user', content: '问题' },
    { role: 'assistant', content: '回答' },
  ],
  [
    { role: 'system', content: '  ' },
    { role: 'user', content: '只有空白的 system' },
  ],
];

const specialTokens = { bos_token: '<s>', eos_token: '</s>' };

describe('built-in chat templates (lora prompt templates as Jinja)', () => {
  for (const template of [alpacaTemplate, alpacaChineseTemplate]) {
    it(`${template.name}: renders exactly the prompt the model was tuned on`, () => {
      for (const messages of conversations) {
        const text = renderChatTemplate({
          template: toChatTemplate(template),
          messages,
          addGenerationPrompt: true,
          specialTokens,
        });
        expect(text).toBe(expected(messages, template));
      }
      expect(builtinChatTemplates[template.name]).toBe(toChatTemplate(template));
    });
  }

  it('encodes a question to the very ids training put before the answer (one BOS)', () => {
    const tokenizer = createCharacterTokenizer({ texts: TINY_TEXTS });
    const prompter = createChatPrompter({ template: toChatTemplate(alpacaChineseTemplate), tokenizer });
    const instruction = '《刑法》第二百六十四条规定了什么？';
    const ids = prompter.encode(prompter.render([{ role: 'user', content: instruction }]));
    const trained = tokenizeInstruction(
      { instruction, output: '盗窃' },
      { tokenizer, template: alpacaChineseTemplate },
    );
    const promptLength = trained.labels.findIndex((label) => label >= 0);
    expect(ids).toEqual(trained.inputIds.slice(0, promptLength));
    expect(ids.filter((id) => id === tokenizer.bosId)).toHaveLength(1);
    // a template without bos_token still gets the tokenizer's BOS
    const plain = createChatPrompter({ template: '{{ messages[0].content }}', tokenizer });
    expect(plain.encode('盗窃')).toEqual(tokenizer.encode('盗窃', { addBos: true }));
    // chatPromptTokenizer frames infer/eval prompts the same way
    const framed = chatPromptTokenizer(tokenizer, prompter);
    expect(framed.encode(instruction)).toEqual(ids);
    expect(framed.decode(ids.slice(1, 4))).toBe(tokenizer.decode(ids.slice(1, 4)));
    expect(framed.vocabSize).toBe(tokenizer.vocabSize);
  });
});

function hasJinja2(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import jinja2'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// transformers renders chat templates with Jinja2 in an ImmutableSandboxedEnvironment(trim_blocks, lstrip_blocks)
const PYTHON = `
import json, sys
from jinja2.sandbox import ImmutableSandboxedEnvironment
cases = json.load(sys.stdin)
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=['jinja2.ext.loopcontrols'])
out = [env.from_string(c['template']).render(messages=c['messages'], add_generation_prompt=True, bos_token='<s>', eos_token='</s>') for c in cases]
print(json.dumps(out))
`;

const jinja2 = hasJinja2();
if (!jinja2)
  console.warn('[skip] Python Jinja2 check: python3-jinja2 is not installed (.ci/run installs it)');
describe.skipIf(!jinja2)(
  'built-in chat templates in Python Jinja2 (as transformers and vLLM render them)',
  () => {
    it('render the same text as @huggingface/jinja', () => {
      const cases = [alpacaTemplate, alpacaChineseTemplate].flatMap((template) =>
        conversations.map((messages) => ({ template: toChatTemplate(template), messages, prompt: template })),
      );
      const input = JSON.stringify(cases.map(({ template, messages }) => ({ template, messages })));
      const rendered = JSON.parse(
        execFileSync('/usr/bin/python3', ['-c', PYTHON], { input, encoding: 'utf8' }),
      );
      expect(rendered).toEqual(cases.map(({ messages, prompt }) => expected(messages, prompt)));
    });
  },
);

describe('resolveChatTemplate', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("prefers --template, then the tokenizer's, adapter's and model's tokenizer_config.json, else warns", async () => {
    dir = await mkdtemp(join(tmpdir(), 'lawgpt-template-'));
    const tokenizer = createCharacterTokenizer({ texts: TINY_TEXTS });
    const model = join(dir, 'model');
    const adapter = join(dir, 'adapter');
    await tokenizer.save(model);
    await tokenizer.save(adapter);
    const none = await resolveChatTemplate({ tokenizer, locations: [undefined, adapter, model] });
    expect(none).toMatchObject({ source: 'built-in alpaca', fromModel: false });
    expect(none.warning).toContain(`no chat_template in ${adapter}, ${model}`);
    expect(none.warning).toContain("built-in 'alpaca' template");
    expect(none.template).toBe(builtinChatTemplates.alpaca);

    await saveChatTemplate({ dir: model, template: 'model {{ messages[0].content }}' });
    const fromModel = await resolveChatTemplate({ tokenizer, locations: [undefined, adapter, model] });
    expect(fromModel).toEqual({
      template: 'model {{ messages[0].content }}',
      source: join(model, 'tokenizer_config.json'),
      fromModel: true,
    });
    await saveChatTemplate({ dir: adapter, template: toChatTemplate(alpacaChineseTemplate) });
    const fromAdapter = await resolveChatTemplate({ tokenizer, locations: [undefined, adapter, model] });
    expect(fromAdapter.source).toBe(join(adapter, 'tokenizer_config.json'));

    const named = await resolveChatTemplate({ override: 'alpaca', tokenizer, locations: [model] });
    expect(named).toMatchObject({
      template: builtinChatTemplates.alpaca,
      source: 'built-in alpaca',
      fromModel: false,
    });
    const file = join(dir, 'chat.jinja');
    await writeFile(file, '{{ bos_token }}Q: {{ messages[-1].content }}\nA:');
    const fromFile = await resolveChatTemplate({ override: file, tokenizer, locations: [model] });
    expect(fromFile.source).toBe(file);
    expect(createChatPrompter({ ...fromFile, tokenizer }).render([{ role: 'user', content: '盗窃' }])).toBe(
      '<s>Q: 盗窃\nA:',
    );
  });

  it('names the option or the file when the template is unknown or broken', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lawgpt-template-'));
    const tokenizer = createCharacterTokenizer({ texts: TINY_TEXTS });
    const unknown = resolveChatTemplate({ override: 'chatml-typo', tokenizer, locations: [] });
    await expect(unknown).rejects.toThrow(TemplateError);
    await expect(unknown).rejects.toThrow(
      /--template chatml-typo: neither a built-in template \(alpaca, alpaca-zh\) nor a file/,
    );
    const broken = join(dir, 'broken.jinja');
    await writeFile(broken, '{% if %}');
    await expect(resolveChatTemplate({ override: broken, tokenizer, locations: [] })).rejects.toMatchObject({
      name: 'TemplateError',
      path: broken,
      message: expect.stringContaining(`chat template of ${broken}`),
    });
  });
});
