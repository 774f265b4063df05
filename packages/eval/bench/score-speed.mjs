// Time to score LawBench predictions (all published-prediction tasks of one model) vs the number of items per task.
// Peer in the same run: the 50-item run, so the table shows how the cost grows with items (ratio to linear).
// Run: npm run bench -w packages/eval   (needs ../shared; set LAWBENCH_MODEL to pick the model, default GPT4)
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scoreLawBench } from '../dist/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const shared = process.env.LAWGPT_SHARED ?? resolve(here, '../../../../shared');
const dataDir = join(shared, 'data/lawbench');
const model = process.env.LAWBENCH_MODEL ?? 'GPT4';
const source = join(dataDir, 'predictions/zero_shot', model);
if (!existsSync(source)) {
  console.log(`[skip] ${source} not found (set LAWGPT_SHARED)`);
  process.exit(0);
}

const sizes = [50, 125, 250, 500];
const rows = [];
for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'lawbench-bench-'));
  let items = 0;
  for (const file of readdirSync(source)) {
    const all = JSON.parse(readFileSync(join(source, file), 'utf8'));
    const kept = Object.fromEntries(Object.entries(all).slice(0, size));
    items += Object.keys(kept).length;
    writeFileSync(join(dir, file), JSON.stringify(kept));
  }
  const perTask = {};
  let last = performance.now();
  const started = last;
  await scoreLawBench({
    predictionsDir: dir,
    dataDir,
    onProgress: ({ task }) => {
      const now = performance.now();
      perTask[task] = now - last;
      last = now;
    },
  });
  const total = performance.now() - started;
  rows.push({ size, items, total, proofreading: perTask['2-1'] ?? 0 });
  rmSync(dir, { recursive: true, force: true });
}
const base = rows[0];
console.log(`model ${model}: time to score ${readdirSync(source).length} tasks`);
console.log('items/task  items  total ms  2-1 ms  others ms  µs/item  ratio to linear (vs 50)');
for (const row of rows) {
  const linear = (base.total / base.items) * row.items;
  console.log(
    `${String(row.size).padStart(10)}  ${String(row.items).padStart(5)}  ${row.total.toFixed(0).padStart(8)}  ${row.proofreading.toFixed(0).padStart(6)}  ${(row.total - row.proofreading).toFixed(0).padStart(9)}  ${((row.total * 1000) / row.items).toFixed(0).padStart(7)}  ${(row.total / linear).toFixed(2)}`,
  );
}
