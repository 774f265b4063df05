// Benchmark: encode the statute corpus (../shared/data/laws/md) with @lawgpt/tokenizer-legal and with
// sentencepiece's own `spm_encode` on the same lines, in the same run; report MB/s, the ratio, and whether
// every line got the same ids.
// Usage: npm run bench [-- --model llama2|chinese-llama] [--limit-mb N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTokenizer } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.LAWGPT_SHARED ?? resolve(here, '../../../../shared');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const models = option('model', 'llama2,chinese-llama').split(',');
const limitBytes = Number(option('limit-mb', '0')) * 1e6;

const lawsDir = join(shared, 'data/laws/md');
if (!existsSync(lawsDir)) {
  console.log(`[skip] ${lawsDir} not found (set LAWGPT_SHARED)`);
  process.exit(0);
}
const spm = spawnSync('sh', ['-c', 'command -v spm_encode']).status === 0;

function listMarkdown(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listMarkdown(path) : name.endsWith('.md') ? [path] : [];
    });
}

// One line per non-empty Markdown line (spm_encode encodes line by line).
const lines = [];
let bytes = 0;
for (const file of listMarkdown(lawsDir)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim().length === 0) continue;
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
    if (limitBytes > 0 && bytes >= limitBytes) break;
  }
  if (limitBytes > 0 && bytes >= limitBytes) break;
}
const work = mkdtempSync(join(tmpdir(), 'lawgpt-bench-'));
const corpus = join(work, 'corpus.txt');
writeFileSync(corpus, `${lines.join('\n')}\n`);
const megabytes = bytes / 1e6;
console.log(`corpus: ${lines.length} lines, ${megabytes.toFixed(2)} MB from ${lawsDir}`);
console.log(
  `node ${process.version}, spm_encode ${spm ? 'found' : 'missing (apt-get install sentencepiece)'}`,
);
console.log('');
console.log('| model | ours MB/s | spm_encode MB/s | ratio | lines with identical ids |');
console.log('|---|---:|---:|---:|---:|');

for (const name of models) {
  const modelPath = join(shared, 'fixtures/tokenizers', name, 'tokenizer.model');
  const tokenizer = await loadTokenizer(modelPath);
  // Warm-up, then one timed pass over every line.
  for (const line of lines.slice(0, 2000)) tokenizer.encode(line);
  const start = performance.now();
  const ours = new Array(lines.length);
  for (let index = 0; index < lines.length; index++) ours[index] = tokenizer.encode(lines[index]);
  const oursSeconds = (performance.now() - start) / 1000;
  let spmRate = Number.NaN;
  let same = 'n/a';
  if (spm) {
    const output = join(work, `${name}.ids`);
    const spmStart = performance.now();
    execFileSync('spm_encode', [`--model=${modelPath}`, '--output_format=id', `--output=${output}`, corpus]);
    const spmSeconds = (performance.now() - spmStart) / 1000;
    spmRate = megabytes / spmSeconds;
    const reference = readFileSync(output, 'utf8').split('\n');
    let equal = 0;
    for (let index = 0; index < lines.length; index++)
      if (ours[index].join(' ') === reference[index]) equal++;
    same = `${equal} / ${lines.length}`;
  }
  const oursRate = megabytes / oursSeconds;
  console.log(
    `| ${name} | ${oursRate.toFixed(2)} | ${spmRate.toFixed(2)} | ${(oursRate / spmRate).toFixed(2)}× | ${same} |`,
  );
}
rmSync(work, { recursive: true, force: true });
