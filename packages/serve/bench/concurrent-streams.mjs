// Bench (not a test): 64 concurrent short chat streams against `@lawgpt/serve` on the demo model.
// Reports latency (p50/p99 to the first token and to the end), aggregate tokens/s, /health latency under load
// and the server process's peak RSS. Needs `npm run demo` first (lawgpt-demo/merged-model).
//   node packages/serve/bench/concurrent-streams.mjs [MODEL_DIR] [--streams 64] [--max-tokens 32]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { streams: { type: 'string', default: '64' }, 'max-tokens': { type: 'string', default: '32' } },
});
const modelDir = resolve(positionals[0] ?? join(root, 'lawgpt-demo/merged-model'));
if (!existsSync(join(modelDir, 'config.json'))) {
  console.log(`[skip] serve bench: no model at ${modelDir} (run \`npm run demo\` first, or give MODEL_DIR)`);
  process.exit(0);
}
const streams = Number(values.streams);
const maxTokens = Number(values['max-tokens']);
const instructions = join(modelDir, '..', 'data', 'instructions.json');
const questions = existsSync(instructions)
  ? JSON.parse(readFileSync(instructions, 'utf8')).map((record) => record.instruction)
  : ['《刑法》第二百六十四条规定了什么？'];

const child = spawn(process.execPath, [join(here, 'server-child.mjs'), modelDir, String(streams)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const info = await new Promise((done) => {
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const line = out.split('\n').find((text) => text.startsWith('{'));
    if (line) done(JSON.parse(line));
  });
});
const rssOf = () => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
};

async function chat(question) {
  const started = performance.now();
  const response = await fetch(`${info.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      messages: [{ role: 'user', content: question }],
      temperature: 0,
      max_tokens: maxTokens,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  const decoder = new TextDecoder();
  let first = 0;
  let buffer = '';
  let tokens = 0;
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    if (!first && buffer.includes('"content":"') && !buffer.endsWith('"content":""')) {
      const events = buffer.split('\n\n').filter((event) => /"content":"[^"]/.test(event));
      if (events.length > 0) first = performance.now() - started;
    }
  }
  const usage = /"usage":\{"prompt_tokens":\d+,"completion_tokens":(\d+)/.exec(buffer);
  tokens = Number(usage?.[1] ?? 0);
  return { first, total: performance.now() - started, tokens };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

// warm-up, then one stream alone for the single-stream rate
await chat(questions[0]);
const alone = await chat(questions[0]);
const idle = rssOf();

let peakRss = idle.rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf().rss)), 50);
const healthTimes = [];
let loadDone = false;
const probing = (async () => {
  while (!loadDone) {
    const started = performance.now();
    await fetch(`${info.url}/health`);
    healthTimes.push(performance.now() - started);
    await new Promise((done) => setTimeout(done, 100));
  }
})();
const started = performance.now();
const results = await Promise.all(
  Array.from({ length: streams }, (_, index) => chat(questions[index % questions.length])),
);
const wall = (performance.now() - started) / 1000;
loadDone = true;
await probing;
clearInterval(sampler);
const finalRss = rssOf();
child.kill('SIGTERM');

const tokens = results.reduce((sum, result) => sum + result.tokens, 0);
const ms = (value) => `${value.toFixed(0)} ms`;
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
console.log(
  `serve bench ${new Date().toISOString().slice(0, 10)}: ${streams} concurrent chat streams, max_tokens ${maxTokens}, greedy`,
);
console.log(
  `model ${modelDir} (backend ${info.backend}, chat template ${info.template}), Node ${process.version}`,
);
console.log('| metric | value |');
console.log('|---|---:|');
console.log(
  `| one stream alone | ${alone.tokens} tokens in ${ms(alone.total)} (${((alone.tokens / alone.total) * 1000).toFixed(0)} tokens/s) |`,
);
console.log(
  `| time to first token p50 / p99 | ${ms(
    percentile(
      results.map((r) => r.first),
      50,
    ),
  )} / ${ms(
    percentile(
      results.map((r) => r.first),
      99,
    ),
  )} |`,
);
console.log(
  `| stream latency p50 / p99 | ${ms(
    percentile(
      results.map((r) => r.total),
      50,
    ),
  )} / ${ms(
    percentile(
      results.map((r) => r.total),
      99,
    ),
  )} |`,
);
console.log(
  `| aggregate | ${tokens} tokens in ${wall.toFixed(2)} s = ${(tokens / wall).toFixed(0)} tokens/s |`,
);
console.log(
  `| /health under load p50 / max (${healthTimes.length} probes) | ${percentile(healthTimes, 50).toFixed(1)} ms / ${Math.max(...healthTimes).toFixed(1)} ms |`,
);
console.log(
  `| server RSS idle / peak (sampled; VmHWM) | ${mib(idle.rss)} / ${mib(peakRss)} (${mib(finalRss.peak)}) |`,
);
