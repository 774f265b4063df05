import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { ANSWER, type FakeEngine, fakeEngine } from './fake-engine.test-helpers.js';
import { createOpenAIServer, type OpenAIServer, type OpenAIServerOptions } from './openai-server.js';

let running: OpenAIServer | undefined;
afterEach(async () => {
  await running?.shutdown({ graceMs: 0 });
  running = undefined;
});

async function start(engine: FakeEngine, options: Partial<OpenAIServerOptions> = {}) {
  running = createOpenAIServer({ engine, ...options });
  const { url } = await running.listen();
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: options.apiKey ?? 'unused', maxRetries: 0 });
  return { url, client, server: running };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });

const question = [{ role: 'user' as const, content: '甲偷了钱包，构成什么罪？' }];

describe('OpenAI conformance (official openai client)', () => {
  it('answers a chat completion and passes every sampling setting on', async () => {
    const engine = fakeEngine();
    const { client } = await start(engine);
    const answer = await client.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'system', content: '你是法律助手' }, ...question],
      temperature: 0.3,
      top_p: 0.8,
      max_tokens: 4,
      seed: 7,
      // extensions
      ...({ top_k: 5, repetition_penalty: 1.2, num_beams: 2 } as object),
    });
    expect(answer.object).toBe('chat.completion');
    expect(answer.model).toBe('fake');
    expect(answer.choices[0]!.message).toMatchObject({ role: 'assistant', content: '答：甲构' });
    expect(answer.choices[0]!.finish_reason).toBe('length');
    expect(answer.usage).toEqual({ prompt_tokens: 18, completion_tokens: 4, total_tokens: 22 });
    expect(engine.requests[0]).toMatchObject({
      messages: [{ role: 'system', content: '你是法律助手' }, ...question],
      temperature: 0.3,
      topP: 0.8,
      topK: 5,
      repetitionPenalty: 1.2,
      numBeams: 2,
      maxTokens: 4,
      seed: 7,
    });
  });

  it('streams: role only in the first chunk, no usage unless stream_options.include_usage', async () => {
    const { client } = await start(fakeEngine());
    const chunks = [];
    for await (const chunk of await client.chat.completions.create({
      model: 'fake',
      messages: question,
      stream: true,
    }))
      chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.slice(1).every((chunk) => chunk.choices[0]!.delta.role === undefined)).toBe(true);
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]!.delta.content ?? '').join('')).toBe(ANSWER);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0]!.finish_reason === null)).toBe(true);

    const withUsage = [];
    const stream = await client.chat.completions.create({
      model: 'fake',
      messages: question,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) withUsage.push(chunk);
    const last = withUsage.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: 12,
      completion_tokens: [...ANSWER].length,
      total_tokens: 12 + [...ANSWER].length,
    });
    expect(withUsage.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('honours stop and serves text completions, whole and streamed', async () => {
    const { client } = await start(fakeEngine());
    const stopped = await client.chat.completions.create({ model: 'fake', messages: question, stop: ['。'] });
    expect(stopped.choices[0]!.message.content).toBe('答：甲构成盗窃罪');
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
    const text = await client.completions.create({ model: 'fake', prompt: '盗窃', max_tokens: 2 });
    expect(text.object).toBe('text_completion');
    expect(text.choices[0]!).toMatchObject({ text: '答：', finish_reason: 'length' });
    let streamed = '';
    for await (const chunk of await client.completions.create({
      model: 'fake',
      prompt: '盗窃',
      stream: true,
      stop: '罪',
    }))
      streamed += chunk.choices[0]?.text ?? '';
    expect(streamed).toBe('答：甲构成盗窃');
  });

  it('an unknown model is a 404 model_not_found; bad fields are 400s naming the parameter', async () => {
    const { client } = await start(fakeEngine());
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['fake']);
    await expect(
      client.chat.completions.create({ model: 'gpt-4o', messages: question }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      param: 'model',
    });
    await expect(client.models.retrieve('gpt-4o')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    expect((await client.models.retrieve('fake')).id).toBe('fake');
    await expect(
      client.chat.completions.create({ model: 'fake', messages: question, top_p: 3 }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'top_p',
      type: 'invalid_request_error',
    });
    await expect(client.chat.completions.create({ model: 'fake', messages: [] })).rejects.toMatchObject({
      param: 'messages',
    });
  });
});

describe('limits', () => {
  it('a prompt longer than the context is a 400 context_length_exceeded with both numbers', async () => {
    const { client } = await start(fakeEngine({ contextLength: 64 }));
    const long = [{ role: 'user' as const, content: '盗'.repeat(100) }];
    await expect(client.chat.completions.create({ model: 'fake', messages: long })).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      message: expect.stringMatching(/64 tokens.*100/),
    });
    // max_tokens is capped to the room left: 64 - 60 = 4
    const near = await client.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: '盗'.repeat(60) }],
      max_tokens: 1000,
    });
    expect(near.usage?.completion_tokens).toBe(4);
    expect(near.choices[0]!.finish_reason).toBe('length');
  });

  it('queues requests one at a time and answers 429 with Retry-After beyond --max-queue', async () => {
    const engine = fakeEngine({ delayMs: 20 });
    const { url } = await start(engine, { maxQueue: 2 });
    const chat = `${url}/v1/chat/completions`;
    const first = post(chat, { messages: question });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = [post(chat, { messages: question }), post(chat, { messages: question })];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await post(chat, { messages: question });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    const answers = await Promise.all([first, ...waiting]);
    expect(answers.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(engine.maxActive).toBe(1);
  });

  it('times out a trickling body (408) and refuses a body over the limit (413)', async () => {
    const { url } = await start(fakeEngine(), { bodyTimeoutMs: 300, maxBodyBytes: 1000 });
    const { hostname, port } = new URL(url);
    const { connect } = await import('node:net');
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"mess`,
    );
    const trickle = setInterval(() => socket.write(' '), 100);
    const started = performance.now();
    await closed;
    clearInterval(trickle);
    expect(performance.now() - started).toBeLessThan(5000);
    const reply = Buffer.concat(received).toString();
    expect(reply).toMatch(/^HTTP\/1.1 408/);
    expect(reply).toContain('request_timeout');
    const big = await post(`${url}/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'x'.repeat(2000) }],
    });
    expect(big.status).toBe(413);
  });
});

describe('streaming and aborts', () => {
  it('flushes each token as it is produced', async () => {
    const { url } = await start(fakeEngine({ delayMs: 40 }));
    const started = performance.now();
    const response = await post(`${url}/v1/chat/completions`, { messages: question, stream: true });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const arrivals: Array<{ at: number; text: string }> = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      arrivals.push({ at: performance.now() - started, text: decoder.decode(value) });
    }
    const firstContent = arrivals.find((arrival) => arrival.text.includes('"content":"答"'))!;
    const total = arrivals.at(-1)!.at;
    // 26 characters at 40 ms each: the first arrives after about 40 ms, on its own, long before the end
    expect(firstContent.at).toBeLessThan(total / 3);
    expect(arrivals.length).toBeGreaterThan(10);
  });

  it('a client that goes away aborts its generation, and one waiting in the queue never starts', async () => {
    const engine = fakeEngine({ delayMs: 30 });
    const { url } = await start(engine);
    const controller = new AbortController();
    const streaming = await post(
      `${url}/v1/chat/completions`,
      { messages: question, stream: true },
      {},
      controller.signal,
    );
    const queued = new AbortController();
    const waiting = post(
      `${url}/v1/chat/completions`,
      { messages: [{ role: 'user', content: '排队' }] },
      {},
      queued.signal,
    );
    await streaming.body!.getReader().read();
    queued.abort();
    await expect(waiting).rejects.toThrow();
    controller.abort();
    const next = await post(`${url}/v1/chat/completions`, { messages: question, max_tokens: 2 });
    expect(
      ((await next.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message
        .content,
    ).toBe('答：');
    expect(engine.aborted).toHaveLength(1);
    expect(engine.requests.map((request) => request.messages![0]!.content)).not.toContain('排队');
  });

  it('shutdown stops accepting, lets a request finish within the grace time, then aborts the rest', async () => {
    const engine = fakeEngine({ delayMs: 20 });
    const { url, server } = await start(engine);
    const short = post(`${url}/v1/chat/completions`, { messages: question, max_tokens: 5 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const report = await server.shutdown({ graceMs: 2000 });
    expect(report).toEqual({ finished: 1, aborted: 0 });
    expect((await short).status).toBe(200);
    await expect(fetch(`${url}/health`)).rejects.toThrow();

    const slow = fakeEngine({ delayMs: 200 });
    const second = await start(slow);
    const response = await post(`${second.url}/v1/chat/completions`, { messages: question, stream: true });
    const text = response.text();
    const started = performance.now();
    expect(await second.server.shutdown({ graceMs: 100 })).toEqual({ finished: 0, aborted: 1 });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(await text).toContain('server_shutting_down');
    expect(slow.aborted).toHaveLength(1);
  });
});
