// The prompt format travels with the model: sft records it as the HF chat_template, merge carries it, and
// infer and serve frame a question with it exactly as training did.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { alpacaChineseTemplate, toChatTemplate } from '@lawgpt/lora';
import { createLlamaEngine, loadRuntime, resolveChatTemplate } from '@lawgpt/serve';
import { createCharacterTokenizer } from '@lawgpt/tokenizer-legal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

let root: string;
const question = '盗窃罪怎么处罚？';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lawgpt-cli-template-'));
  const tokenizer = createCharacterTokenizer({
    texts: [question, '处三年以下有期徒刑。', alpacaChineseTemplate.withInput],
  });
  const config = createLlamaConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 32,
    intermediateSize: 64,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
  });
  const model = await createRandomModel(config, { seed: 4, backend: 'cpu' });
  await model.save(join(root, 'base'));
  await tokenizer.save(join(root, 'base'));
  model.dispose();
  await writeFile(
    join(root, 'sft.json'),
    JSON.stringify([{ instruction: question, input: '', output: '处三年以下有期徒刑。' }]),
  );
});
afterAll(() => rm(root, { recursive: true, force: true }));

const chatTemplateOf = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')).chat_template as string | undefined;

describe('chat template from sft to serve', () => {
  it('sft records it, merge carries it, infer and the server frame questions with it', async () => {
    const sft = await run([
      'sft',
      ...['--model', join(root, 'base'), '--data', join(root, 'sft.json'), '--output', join(root, 'sft')],
      ...['--max-steps', '2', '--template', 'alpaca-zh', '--backend', 'cpu'],
    ]);
    expect(sft.code, sft.stderr).toBe(0);
    expect(await chatTemplateOf(join(root, 'sft'))).toBe(toChatTemplate(alpacaChineseTemplate));
    const merge = await run([
      'merge',
      '--model',
      join(root, 'base'),
      '--adapter',
      join(root, 'sft'),
      '--output',
      join(root, 'merged'),
    ]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(await chatTemplateOf(join(root, 'merged'))).toBe(toChatTemplate(alpacaChineseTemplate));

    const args = [
      '--model',
      join(root, 'merged'),
      '--prompt',
      question,
      '--max-new-tokens',
      '12',
      '--backend',
      'cpu',
    ];
    const framed = await run(['infer', ...args]);
    expect(framed.code, framed.stderr).toBe(0);
    expect(framed.stderr).toContain(
      `prompts framed as user turns of the chat template of ${join(root, 'merged', 'tokenizer_config.json')}`,
    );
    const raw = await run(['infer', ...args, '--raw']);
    expect(raw.stdout).not.toBe(framed.stdout);
    const named = await run(['infer', ...args, '--template', 'alpaca-zh']);
    expect(named.stdout).toBe(framed.stdout);

    // the server's answer to the same question, greedy, is infer's
    const runtime = await loadRuntime({ modelDir: join(root, 'merged'), backend: 'cpu' });
    const template = await resolveChatTemplate({
      tokenizer: runtime.tokenizer,
      locations: [join(root, 'merged')],
    });
    expect(template.fromModel).toBe(true);
    const engine = createLlamaEngine({ ...runtime, chatTemplate: template.template, modelId: 'merged' });
    const ask = async (content: string, maxTokens: number) => {
      const greedy = { temperature: 0, topP: 1, topK: 0, repetitionPenalty: 1, numBeams: 1, stop: [] };
      const completion = await engine.complete({
        messages: [{ role: 'user', content }],
        maxTokens,
        ...greedy,
      });
      let answer = '';
      for await (const chunk of completion.chunks) answer += chunk.text;
      return answer;
    };
    try {
      expect(`${await ask(question, 12)}\n`).toBe(framed.stdout);

      // eval run on a local model asks LawBench's prompts the same way (greedy, up to 1024 new tokens)
      const data = join(root, 'lawbench');
      await mkdir(join(data, 'scorer-data'), { recursive: true });
      await mkdir(join(data, 'zero_shot'), { recursive: true });
      await writeFile(join(data, 'scorer-data', 'labels.json'), JSON.stringify({ labels: {} }));
      const items = [{ instruction: '请回答：', question, answer: '正确答案：A。' }];
      await writeFile(join(data, 'zero_shot', '1-2.json'), JSON.stringify(items));
      const evalArgs = [
        '--model-dir',
        join(root, 'merged'),
        '--data',
        data,
        '--tasks',
        '1-2',
        '--backend',
        'cpu',
      ];
      const evaluated = await run(['eval', 'run', ...evalArgs, '--output', join(root, 'eval'), '--json']);
      expect(evaluated.code, evaluated.stderr).toBe(0);
      expect(evaluated.stderr).toContain('prompts framed as user turns of the chat template of');
      const prediction = JSON.parse(await readFile(join(root, 'eval', '1-2.json'), 'utf8'))['0'];
      const prompt =
        typeof prediction.origin_prompt === 'string'
          ? prediction.origin_prompt
          : prediction.origin_prompt[0].prompt;
      expect(prediction.prediction).toBe(await ask(prompt, 1024));
    } finally {
      await engine.close?.();
    }
  });

  it('refuses --raw with --template before loading anything', async () => {
    const result = await run([
      'infer',
      '--model',
      join(root, 'nowhere'),
      '--prompt',
      'x',
      '--raw',
      '--template',
      'alpaca',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--raw and --template exclude each other/);
  });
});
