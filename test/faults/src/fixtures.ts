// Inputs every fault test builds for itself in a temporary folder: a tiny LLaMA with a character tokenizer,
// instruction data, a corpus, prompts and statutes. Nothing comes from ../shared.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { createLoraAdapter, createLoraConfig, saveLoraAdapter } from '@lawgpt/lora';
import { createCharacterTokenizer } from '@lawgpt/tokenizer-legal';

const texts = [
  '盗窃公私财物，数额较大的，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金。',
  '诈骗公私财物，数额较大的，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金。',
  '故意伤害他人身体的，处三年以下有期徒刑、拘役或者管制。',
];
const digits = '〇一二三四五六七八九十百0123456789';

/** Paths of the fixtures. */
export interface Fixtures {
  root: string;
  /** HF model folder with tokenizer.model and tokenizer.json. */
  base: string;
  /** A PEFT LoRA adapter for `base` (q/v, r 4). */
  adapter: string;
  /** Alpaca JSON, 40 records. */
  sft: string;
  /** `{"content"}` JSONL, 30 documents. */
  corpus: string;
  /** `{"id","prompt"}` JSONL, 12 prompts. */
  prompts: string;
  /** Statute Markdown folder (LawRefBook layout), 12 laws. */
  laws: string;
}

function statute(title: string, articles: number): string {
  const lines = [`# ${title}`, '', '2020年1月1日', '', '<!-- INFO END -->', '', '## 第一章 总则', ''];
  for (let n = 1; n <= articles; n++) {
    const number = n <= 10 ? '一二三四五六七八九十'[n - 1] : `十${'一二三四五六七八九'[n - 11]}`;
    lines.push(`第${number}条 ${texts[n % texts.length]}`, '');
  }
  return lines.join('\n');
}

/** Build the fixtures in a new temporary folder. */
export async function makeFixtures(): Promise<Fixtures> {
  const root = await mkdtemp(join(tmpdir(), 'lawgpt-faults-'));
  const tokenizer = createCharacterTokenizer({ texts: [...texts, `问答：问题怎么处罚？${digits}`] });
  const config = createLlamaConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 32,
    intermediateSize: 64,
    numHiddenLayers: 1,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
    // short, so that generation that runs to the context limit (eval run) ends quickly
    maxPositionEmbeddings: 128,
  });
  const model = await createRandomModel(config, { seed: 1 });
  const base = join(root, 'base');
  await model.save(base);
  await tokenizer.save(base);
  const adapter = join(root, 'adapter');
  const lora = createLoraAdapter({
    model,
    seed: 2,
    config: createLoraConfig({ r: 4, loraAlpha: 8, targetModules: ['q_proj', 'v_proj'] }),
  });
  await saveLoraAdapter(lora, adapter, { model });
  model.dispose();
  const records = Array.from({ length: 40 }, (_, i) => ({
    instruction: `问题${i}：怎么处罚？`,
    input: '',
    output: texts[i % texts.length],
  }));
  const sft = join(root, 'sft.json');
  await writeFile(sft, JSON.stringify(records, null, 1));
  const corpus = join(root, 'corpus.jsonl');
  await writeFile(
    corpus,
    Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ content: `${i}${texts[i % 3]}${texts[(i + 1) % 3]}` }),
    ).join('\n'),
  );
  const prompts = join(root, 'prompts.jsonl');
  await writeFile(
    prompts,
    Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `p${i}`, prompt: `问题${i}：` })).join('\n'),
  );
  const laws = join(root, 'laws');
  await mkdir(join(laws, '刑法'), { recursive: true });
  for (let i = 0; i < 12; i++) {
    const title = `中华人民共和国测试法${'一二三四五六七八九十'[i % 10]}${i}`;
    await writeFile(join(laws, '刑法', `${title}(2020-01-01).md`), statute(title, 12));
  }
  return { root, base, adapter, sft, corpus, prompts, laws };
}

/** Remove the fixtures folder (and every run's output in it). */
export async function removeFixtures(fixtures: Fixtures | undefined): Promise<void> {
  if (fixtures) await rm(fixtures.root, { recursive: true, force: true });
}
