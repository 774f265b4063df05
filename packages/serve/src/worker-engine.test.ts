// The server over a real model in a worker thread: the event loop stays free while it generates.
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionRequest } from './completion-engine.js';
import { createOpenAIServer, type OpenAIServer } from './openai-server.js';
import { saveTinyModel } from './tiny-model.test-helpers.js';
import { createWorkerEngine, type WorkerEngine } from './worker-engine.js';

let model: Awaited<ReturnType<typeof saveTinyModel>>;
let engine: WorkerEngine;
let server: OpenAIServer;
let url: string;
let client: OpenAI;

beforeAll(async () => {
  model = await saveTinyModel({ context: 512, hiddenSize: 64, layers: 6 });
  engine = await createWorkerEngine({ modelDir: model.dir, modelId: 'tiny' });
  server = createOpenAIServer({ engine });
  url = (await server.listen()).url;
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await server?.shutdown({ graceMs: 0 });
  await engine?.close();
  await model?.remove();
});

const greedy = { temperature: 0, topP: 1, topK: 0, repetitionPenalty: 1, numBeams: 1, stop: [] };
const question = [{ role: 'user' as const, content: '《刑法》第二百六十四条规定了什么？' }];

/** GET on a fresh connection (no keep-alive); resolves with the milliseconds until the whole answer. */
function timedGet(path: string): Promise<number> {
  const started = performance.now();
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, path, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(performance.now() - started));
    });
    request.on('error', reject).end();
  });
}

describe('worker engine', () => {
  it('loads the model in a worker with the chat template recorded beside it', () => {
    expect(engine.contextLength).toBe(512);
    expect(engine.template).toEqual({ source: `${model.dir}/tokenizer_config.json`, fromModel: true });
  });

  it('answers /health and new connections within 100 ms while a long generation streams tokens as produced', async () => {
    const started = performance.now();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: question, temperature: 0, max_tokens: 400, stream: true }),
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let events = 0;
    let firstToken = 0;
    let done = false;
    const reading = (async () => {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        events += decoder.decode(chunk.value).split('\n\n').length - 1;
        if (events >= 2 && !firstToken) firstToken = performance.now() - started;
      }
      done = true;
    })();
    while (!firstToken) await new Promise((resolve) => setTimeout(resolve, 5));
    const times: number[] = [];
    for (let probe = 0; probe < 20 && !done; probe++) {
      times.push(await timedGet('/health'));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const eventsDuringProbes = events;
    expect(done).toBe(false);
    await reading;
    const total = performance.now() - started;
    console.log(
      `/health during generation: ${times.map((time) => time.toFixed(1)).join(', ')} ms; first token ${firstToken.toFixed(0)} ms of ${total.toFixed(0)} ms`,
    );
    expect(times.length).toBe(20);
    for (const time of times) expect(time).toBeLessThan(100);
    // the generation went on meanwhile, and its tokens arrived as produced, not at the end
    expect(eventsDuringProbes).toBeGreaterThan(2);
    expect(firstToken).toBeLessThan(total / 3);
    expect(events).toBeGreaterThan(20);
  });

  it('stops a generation within one token of its abort', async () => {
    const controller = new AbortController();
    const request: CompletionRequest = {
      ...greedy,
      prompt: '盗窃',
      maxTokens: 400,
      signal: controller.signal,
    };
    const completion = await engine.complete(request);
    const chunks = [];
    for await (const chunk of completion.chunks) {
      chunks.push(chunk);
      // mid-generation: the worker finishes the token it is computing and stops
      if (chunks.length === 3) controller.abort();
    }
    const last = chunks.at(-1)!;
    expect(last).toMatchObject({ finishReason: 'abort' });
    expect(last.usage!.completionTokens).toBeLessThan(400);
    expect(last.tokensAfterAbort).toBeGreaterThanOrEqual(0);
    expect(last.tokensAfterAbort).toBeLessThanOrEqual(1);

    // a client that disconnects mid-stream: the next request is served at once
    const gone = new AbortController();
    const response = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: '盗窃', temperature: 0, max_tokens: 400, stream: true }),
      signal: gone.signal,
    });
    await response.body!.getReader().read();
    gone.abort();
    const started = performance.now();
    const next = await client.completions.create({
      model: 'tiny',
      prompt: '盗窃',
      temperature: 0,
      max_tokens: 1,
    });
    expect(next.usage?.completion_tokens).toBe(1);
    // well under the time the abandoned 400-token generation would have taken
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses prompts past the context, caps max_tokens, and memory returns to its baseline', async () => {
    const long = '盗窃公私财物，数额较大的，处三年以下有期徒刑。'.repeat(40);
    const refused = client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: long }],
    });
    await expect(refused).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      message: expect.stringMatching(
        /maximum context length is 512 tokens\. However, your messages resulted in \d+ tokens/,
      ),
    });
    const counted = await refused.catch((error: Error) =>
      Number(/resulted in (\d+) tokens/.exec(error.message)![1]),
    );
    expect(counted).toBeGreaterThan(880);
    const near = [{ role: 'user' as const, content: long.slice(0, 380) }];
    const run = () =>
      client.chat.completions.create({ model: 'tiny', messages: near, temperature: 0, max_tokens: 100_000 });
    await client.chat.completions.create({ model: 'tiny', messages: question, max_tokens: 4 });
    const baseline = await engine.stats();
    const first = await run();
    expect(first.usage!.prompt_tokens + first.usage!.completion_tokens).toBe(512);
    expect(first.choices[0]!.finish_reason).toBe('length');
    const afterOne = await engine.stats();
    for (let round = 0; round < 3; round++) await run();
    await expect(refused).rejects.toThrow();
    const afterFour = await engine.stats();
    console.log(
      `RSS ${(baseline.rss / 2 ** 20).toFixed(0)} MiB → ${(afterOne.rss / 2 ** 20).toFixed(0)} MiB after one long request → ${(afterFour.rss / 2 ** 20).toFixed(0)} MiB after four; tensors ${baseline.tensors} → ${afterFour.tensors}`,
    );
    expect(afterFour.tensors).toBe(baseline.tensors);
    expect(afterFour.tensorBytes).toBe(baseline.tensorBytes);
    expect(afterFour.rss - afterOne.rss).toBeLessThan(32 * 2 ** 20);
  });

  it('honours stop strings, whole and streamed (openai client)', async () => {
    const full = await client.chat.completions.create({
      model: 'tiny',
      messages: question,
      temperature: 0,
      max_tokens: 40,
    });
    const text = full.choices[0]!.message.content!;
    const stop = [...text].slice(10, 12).join('');
    const expected = text.slice(0, text.indexOf(stop));
    const cut = await client.chat.completions.create({
      model: 'tiny',
      messages: question,
      temperature: 0,
      max_tokens: 40,
      stop,
    });
    expect(cut.choices[0]!.message.content).toBe(expected);
    expect(cut.choices[0]!.finish_reason).toBe('stop');
    let streamed = '';
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: question,
      temperature: 0,
      max_tokens: 40,
      stop: [stop],
      stream: true,
    });
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe(expected);
  });
});
