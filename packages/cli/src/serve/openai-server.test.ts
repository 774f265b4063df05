import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionEngine, CompletionRequest } from './completion-engine.js';
import { createOpenAIServer } from './openai-server.js';

/** An engine that echoes the prompt's last line code point by code point and records every request. */
function echoEngine(delayMs = 0) {
  const requests: CompletionRequest[] = [];
  let active = 0;
  let maxActive = 0;
  const engine: CompletionEngine = {
    modelId: 'echo',
    async *complete(request) {
      requests.push(request);
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        const characters = [...'答：甲构成盗窃罪'].slice(0, request.maxTokens);
        for (const character of characters) {
          if (request.signal.aborted) return;
          if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
          yield { text: character };
        }
        const finishReason = characters.length === request.maxTokens ? 'length' : 'stop';
        yield { text: '', finishReason, usage: { promptTokens: 3, completionTokens: characters.length } };
      } finally {
        active--;
      }
    },
  };
  return { engine, requests, maxActive: () => maxActive };
}

let close: (() => void) | undefined;
afterEach(() => close?.());

async function start(engine: CompletionEngine) {
  const server = createOpenAIServer({ engine });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => server.close();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// biome-ignore lint/suspicious/noExplicitAny: test reads arbitrary JSON responses
const json = async (response: Response): Promise<any> => response.json();

const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });

describe('OpenAI-compatible server', () => {
  it('answers a chat completion and passes every sampling setting to the engine', async () => {
    const { engine, requests } = echoEngine();
    const base = await start(engine);
    const response = await post(`${base}/v1/chat/completions`, {
      messages: [
        { role: 'system', content: '你是法律助手' },
        { role: 'user', content: '甲偷了钱包，构成什么罪？' },
      ],
      temperature: 0.3,
      top_p: 0.8,
      top_k: 5,
      repetition_penalty: 1.2,
      num_beams: 2,
      max_tokens: 4,
      stop: '。',
      seed: 7,
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: '答：甲构' });
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(requests[0]).toMatchObject({
      temperature: 0.3,
      topP: 0.8,
      topK: 5,
      repetitionPenalty: 1.2,
      numBeams: 2,
      maxTokens: 4,
      stop: ['。'],
      seed: 7,
    });
    expect(requests[0].prompt).toContain('### Instruction:\n甲偷了钱包，构成什么罪？');
    expect(requests[0].prompt).toContain('### Input:\n你是法律助手');
  });

  it('streams server-sent events ending with [DONE]', async () => {
    const base = await start(echoEngine().engine);
    const response = await post(`${base}/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'q' }],
      stream: true,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    const text = chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('');
    expect(text).toBe('答：甲构成盗窃罪');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('serves text completions and the model list', async () => {
    const base = await start(echoEngine().engine);
    const models = await json(await fetch(`${base}/v1/models`));
    expect(models.data[0].id).toBe('echo');
    const body = await json(await post(`${base}/v1/completions`, { prompt: 'x', max_tokens: 2 }));
    expect(body.choices[0].text).toBe('答：');
  });

  it('rejects bad requests with a 400 naming the parameter', async () => {
    const base = await start(echoEngine().engine);
    const bad = await post(`${base}/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'q' }],
      top_p: 3,
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({ param: 'top_p', type: 'invalid_request_error' });
    const noMessages = await post(`${base}/v1/chat/completions`, {});
    expect((await json(noMessages)).error.param).toBe('messages');
    const notJson = await fetch(`${base}/v1/completions`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it('runs one generation at a time and aborts when the client goes away', async () => {
    const { engine, requests, maxActive } = echoEngine(20);
    const base = await start(engine);
    const controller = new AbortController();
    const first = post(
      `${base}/v1/chat/completions`,
      { messages: [{ role: 'user', content: 'a' }], stream: true },
      controller.signal,
    );
    const second = post(`${base}/v1/chat/completions`, { messages: [{ role: 'user', content: 'b' }] });
    const firstResponse = await first;
    await firstResponse.body!.getReader().read();
    controller.abort();
    const secondBody = await json(await second);
    expect(secondBody.choices[0].message.content).toBe('答：甲构成盗窃罪');
    expect(maxActive()).toBe(1);
    expect(requests[0].signal.aborted).toBe(true);
  });

  it('serves the web page with every sampling control', async () => {
    const base = await start(echoEngine().engine);
    const html = await (await fetch(`${base}/`)).text();
    for (const id of [
      'temperature',
      'top_p',
      'top_k',
      'repetition_penalty',
      'num_beams',
      'max_tokens',
      'seed',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
  });
});
