// Benchmark: encode the statute corpus (../shared/data/laws/md) with the Qwen3 byte-level BPE tokenizer.json,
// in JavaScript (@lawgpt/tokenizer-legal) and with Hugging Face's Rust `tokenizers` through its Node binding,
// in the same run: MB/s, ratios, and whether every line got the same ids.
// Usage: node bench/encode-bpe.mjs [--limit-mb N] [--tokenizer path/to/tokenizer.json]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer as BindingTokenizer } from 'tokenizers';
import { loadTokenizer } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.LAWGPT_SHARED ?? resolve(here, '../../../../shared');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const limitBytes = Number(option('limit-mb', '0')) * 1e6;
const tokenizerPath = option('tokenizer', join(shared, 'fixtures/tokenizers/qwen3/tokenizer.json'));
const lawsDir = join(shared, 'data/laws/md');
if (!existsSync(lawsDir) || !existsSync(tokenizerPath)) {
  console.log(`[skip] ${lawsDir} or ${tokenizerPath} not found (set LAWGPT_SHARED)`);
  process.exit(0);
}

function listMarkdown(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listMarkdown(path) : name.endsWith('.md') ? [path] : [];
    });
}

const lines = [];
let bytes = 0;
outer: for (const file of listMarkdown(lawsDir)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim().length === 0) continue;
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
    if (limitBytes > 0 && bytes >= limitBytes) break outer;
  }
}
const megabytes = bytes / 1e6;
const seconds = (start) => (performance.now() - start) / 1000;

let start = performance.now();
const ours = await loadTokenizer(tokenizerPath);
const oursLoad = seconds(start);
start = performance.now();
const binding = BindingTokenizer.fromFile(tokenizerPath);
const bindingLoad = seconds(start);
const encodeOptions = { addSpecialTokens: false };

console.log(`corpus: ${lines.length} lines, ${megabytes.toFixed(2)} MB from ${lawsDir}`);
console.log(`tokenizer: ${tokenizerPath} (${ours.vocabSize} ids); node ${process.version}`);
console.log(`load: ours ${oursLoad.toFixed(2)} s, tokenizers binding ${bindingLoad.toFixed(2)} s`);
console.log('');

// Each encoder runs two passes over every line: the first with its BPE cache cold, the second warm.
const encoders = [
  ['ours (`encode`, synchronous)', async () => lines.map((line) => ours.encode(line))],
  [
    'tokenizers binding, `await encode` per line',
    async () => {
      const out = new Array(lines.length);
      for (let index = 0; index < lines.length; index++)
        out[index] = (await binding.encode(lines[index], null, encodeOptions)).getIds();
      return out;
    },
  ],
  [
    'tokenizers binding, `encodeBatch` of 1,000 lines',
    async () => {
      const out = [];
      for (let index = 0; index < lines.length; index += 1000)
        for (const encoding of await binding.encodeBatch(lines.slice(index, index + 1000), encodeOptions))
          out.push(encoding.getIds());
      return out;
    },
  ],
];
const rates = [];
const results = [];
for (const [, run] of encoders) {
  const passes = [];
  for (let pass = 0; pass < 2; pass++) {
    start = performance.now();
    const ids = await run();
    passes.push(megabytes / seconds(start));
    if (pass === 0) results.push(ids);
  }
  rates.push(passes);
}
let same = 0;
for (let index = 0; index < lines.length; index++)
  if (results.every((ids) => ids[index].join(' ') === results[0][index].join(' '))) same++;

console.log(
  '| encoder | MB/s, 1st pass (cache cold) | MB/s, 2nd pass (cache warm) | ours ÷ this, 1st / 2nd pass |',
);
console.log('|---|---:|---:|---:|');
encoders.forEach(([name], index) => {
  const [cold, warm] = rates[index];
  const ratio = `${(rates[0][0] / cold).toFixed(2)}× / ${(rates[0][1] / warm).toFixed(2)}×`;
  console.log(`| ${name} | ${cold.toFixed(2)} | ${warm.toFixed(2)} | ${ratio} |`);
});
console.log('');
console.log(`identical ids (ours, binding per line, binding batch): ${same} / ${lines.length} lines`);
