// Token statistics: LLaMA-2 vs Chinese-LLaMA vs Chinese-LLaMA + a legal vocabulary trained here on the statute
// corpus, and Qwen3 (byte-level BPE) alone and with LaWGPT's legal terms as added tokens, measured on held-out
// statutes (every 10th file, never trained on) and CAIL-2018 test facts.
// Usage: npm run stats [-- --vocab-size 8000 --model-type unigram]
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extendTokenizer, loadTokenizer, tokenStats, trainVocabulary } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.LAWGPT_SHARED ?? resolve(here, '../../../../shared');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const vocabSize = Number(option('vocab-size', '8000'));
const modelType = option('model-type', 'unigram');

function listMarkdown(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listMarkdown(path) : name.endsWith('.md') ? [path] : [];
    });
}

const files = listMarkdown(join(shared, 'data/laws/md'));
const heldOut = files.filter((_, index) => index % 10 === 0);
const training = files.filter((_, index) => index % 10 !== 0);
const statuteTexts = heldOut.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('<!--')),
);
const cailTexts = readFileSync(join(shared, 'data/cail2018/data_test.json'), 'utf8')
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line).fact);

const work = mkdtempSync(join(tmpdir(), 'lawgpt-stats-'));
const started = Date.now();
const trained = await trainVocabulary({
  inputs: training,
  output: join(work, 'legal.model'),
  vocabSize,
  modelType,
  userDefinedSymbolsFile: join(shared, 'data/lawgpt-vocab/legal_vocab.txt'),
  onProgress: (event) => {
    if (event.phase !== 'train') process.stderr.write(`\r${event.phase} ${event.step}   `);
  },
});
process.stderr.write('\n');
const llama = await loadTokenizer(join(shared, 'fixtures/tokenizers/llama2/tokenizer.model'));
const chinese = await loadTokenizer(join(shared, 'fixtures/tokenizers/chinese-llama/tokenizer.model'));
const { tokenizer: legal, report } = extendTokenizer(chinese, trained.tokenizer);
const qwen = await loadTokenizer(join(shared, 'fixtures/tokenizers/qwen3'));
const legalTerms = readFileSync(join(shared, 'data/lawgpt-vocab/legal_vocab.txt'), 'utf8').split('\n');
const { tokenizer: qwenLegal, report: qwenReport } = extendTokenizer(qwen, legalTerms);
console.log(
  `legal vocabulary: ${modelType}, ${trained.tokenizer.vocabSize} pieces from ${training.length} statute files ` +
    `(${trained.sentences} lines, ${((Date.now() - started) / 1000).toFixed(0)} s), legal_vocab.txt user-defined ` +
    `${trained.userDefinedSymbols.unique} unique of ${trained.userDefinedSymbols.given}; ` +
    `extension added ${report.added} (already present ${report.alreadyPresent}, unreachable by BPE ${report.unreachable}) → ${report.vocabSize}`,
);
console.log(
  `Qwen3 + legal terms: ${qwenReport.added} of legal_vocab.txt's terms added as tokens (already a piece or ` +
    `token ${qwenReport.alreadyPresent}, duplicates ${qwenReport.duplicatesDropped}) → ${qwenReport.vocabSize} ids`,
);
console.log(
  `held out: ${heldOut.length} statute files (${statuteTexts.length} lines), CAIL-2018 test ${cailTexts.length} facts`,
);
console.log('');
console.log(
  '| text | tokenizer | vocab | tokens | tokens / Han char | byte-fallback rate | tokens vs LLaMA-2 |',
);
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const [label, texts] of [
  ['held-out statutes', statuteTexts],
  ['CAIL-2018 test facts', cailTexts],
]) {
  let base;
  for (const [name, tokenizer] of [
    ['LLaMA-2', llama],
    ['Chinese-LLaMA', chinese],
    ['Chinese-LLaMA + legal', legal],
    ['Qwen3 (byte-level BPE)', qwen],
    ['Qwen3 + legal terms', qwenLegal],
  ]) {
    const stats = tokenStats(tokenizer, texts);
    base ??= stats.tokens;
    // Byte-level BPE has no byte fallback: every byte is a piece.
    const fallback = 'proto' in tokenizer ? `${(stats.byteFallbackRate * 100).toFixed(1)}%` : '–';
    console.log(
      `| ${label} (${(stats.hanChars / 1e3).toFixed(0)}k Han chars) | ${name} | ${tokenizer.vocabSize} | ${stats.tokens} | ` +
        `${stats.tokensPerHanChar.toFixed(3)} | ${fallback} | ${((stats.tokens / base) * 100).toFixed(1)}% |`,
    );
  }
}
rmSync(work, { recursive: true, force: true });
