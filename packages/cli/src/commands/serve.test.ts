// `lawgpt serve` as a real child process: start-up warnings, the API key from the environment, and what
// SIGTERM / SIGINT do to requests in flight.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLlamaConfig, createRandomModel } from '@lawgpt/llama-core';
import { alpacaChineseTemplate, toChatTemplate } from '@lawgpt/lora';
import { createCharacterTokenizer, saveChatTemplate } from '@lawgpt/tokenizer-legal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/lawgpt.js', import.meta.url));
let root: string;

async function saveModel(dir: string, withTemplate: boolean) {
  const tokenizer = createCharacterTokenizer({
    texts: ['盗窃公私财物，数额较大的，处三年以下有期徒刑。', alpacaChineseTemplate.withInput],
  });
  const config = createLlamaConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 32,
    intermediateSize: 64,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    maxPositionEmbeddings: 4096,
  });
  const model = await createRandomModel(config, { seed: 3, backend: 'cpu' });
  await model.save(dir);
  model.dispose();
  await tokenizer.save(dir);
  if (withTemplate) await saveChatTemplate({ dir, template: toChatTemplate(alpacaChineseTemplate) });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lawgpt-cli-serve-'));
  await saveModel(join(root, 'model'), true);
  await saveModel(join(root, 'plain'), false);
});
afterAll(() => rm(root, { recursive: true, force: true }));

interface Server {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Start `lawgpt serve … --port 0` and wait for its "serving … on URL" line. */
async function serve(args: string[], env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /serving \S+ on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`lawgpt serve exited: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exited };
}

const chat = (url: string, body: object, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      messages: [{ role: 'user', content: '盗窃罪怎么处罚？' }],
      temperature: 0,
      ...body,
    }),
  });

describe('lawgpt serve (child process)', () => {
  it('SIGTERM: stops accepting, aborts a generation past --drain-timeout, exits 0', async () => {
    const server = await serve(['--model', join(root, 'model'), '--drain-timeout', '300']);
    const response = await chat(server.url, { max_tokens: 3000, stream: true });
    const reader = response.body!.getReader();
    await reader.read();
    const signalled = performance.now();
    server.child.kill('SIGTERM');
    // while the generation drains, a new connection is refused
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    let text = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    const ended = performance.now();
    const exit = await server.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    // the stream ended with an error event after the 300 ms grace, long before its 3000 tokens
    expect(text).toContain('server_shutting_down');
    expect(ended - signalled).toBeGreaterThan(250);
    expect(exit.at - signalled).toBeLessThan(5000);
    expect(server.stderr()).toMatch(/SIGTERM: not accepting new requests; 1 in flight get up to 300 ms/);
    expect(server.stderr()).toMatch(/stopped: 0 requests finished, 1 aborted/);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('SIGINT: a request in flight finishes within the grace time', async () => {
    const server = await serve(['--model', join(root, 'model')]);
    const answer = chat(server.url, { max_tokens: 60 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.child.kill('SIGINT');
    const response = await answer;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { usage: { completion_tokens: number } };
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect((await server.exited).code).toBe(0);
    expect(server.stderr()).toMatch(/stopped: 1 requests finished, 0 aborted/);
  });

  it('warns about a model without a chat template and an open non-loopback bind; takes LAWGPT_API_KEY', async () => {
    const server = await serve(['--model', join(root, 'plain'), '--host', '0.0.0.0'], {
      LAWGPT_API_KEY: 'k-123',
    });
    try {
      expect((await chat(server.url.replace('0.0.0.0', '127.0.0.1'), { max_tokens: 1 })).status).toBe(401);
      const ok = await chat(
        server.url.replace('0.0.0.0', '127.0.0.1'),
        { max_tokens: 1 },
        { authorization: 'Bearer k-123' },
      );
      expect(ok.status).toBe(200);
      expect(server.stderr()).toMatch(/warning: no chat_template in .*plain.*built-in 'alpaca' template/);
      // with a key set there is no open-bind warning
      expect(server.stderr()).not.toMatch(/without an API key/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const open = await serve(['--model', join(root, 'model'), '--host', '0.0.0.0']);
    open.child.kill('SIGTERM');
    await open.exited;
    expect(open.stderr()).toMatch(/warning: listening on 0\.0\.0\.0 without an API key/);
    expect(open.stderr()).not.toMatch(/no chat_template/);
  });
});
