#!/usr/bin/env node
// Thin launcher: the command lives in ../dist (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('lawgpt: packages/cli/dist is missing. Build first: npm run build');
  process.exit(1);
}
// A reader that closes the pipe early (`lawgpt version | head -1`) ends the output, not the process with a crash.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
