#!/usr/bin/env node
// Builds the optional native matMul addon (native/matmul.cc) with node-gyp. Never fails the install: where there
// is no compiler, no Python for gyp or no Node headers, it prints why and the wasm engine is used instead.
// Usage: node native/build-native.cjs [directory]   (LAWGPT_SKIP_NATIVE=1 skips)
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const directory = process.argv[2] || __dirname;
const say = (message) => console.log(`[@lawgpt/engine] ${message}`);

function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  const npmDir = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules');
  candidates.push(join(npmDir, 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((candidate) => candidate && existsSync(candidate));
}

function main() {
  if (process.env.LAWGPT_SKIP_NATIVE === '1')
    return say('LAWGPT_SKIP_NATIVE=1: native matMul addon not built');
  const gyp = nodeGyp();
  if (!gyp) return say('node-gyp not found: native matMul addon not built; the wasm engine will be used');
  const args = [gyp, 'rebuild', '--release'];
  // Offline builds: use the headers shipped next to this node binary when they exist.
  const prefix = join(dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
    args.push(`--nodedir=${prefix}`);
  }
  const result = spawnSync(process.execPath, args, {
    cwd: directory,
    stdio: 'pipe',
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (result.status === 0) return say('native matMul addon built (LAWGPT_KERNELS=native to use it)');
  const output = `${result.stdout || ''}${result.stderr || ''}`.trim().split('\n').slice(-5).join('\n  ');
  say(
    `native matMul addon not built (node-gyp exited ${result.status ?? result.signal}); the wasm engine will be used.\n  ${output}`,
  );
}

main();
process.exitCode = 0;
