import { describe, expect, it } from 'vitest';
import { createOpenAIChat, OpenAIRequestError, type OpenAIRetryInfo } from './openai-chat.js';

const messages = [{ role: 'user' as const, content: '你好' }];
const ok = (content: string) =>
  new Response(JSON.stringify({ choices: [{ message: { content }, finish_reason: 'stop' }] }), {
    status: 200,
  });

/** A `fetch` that answers the Nth call with `replies[N]` (the last one repeats) and records each body. */
function scripted(replies: Array<() => Response | Promise<Response>>) {
  const bodies: Record<string, unknown>[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    return replies[Math.min(bodies.length, replies.length) - 1]();
  };
  return { fetch: fetch as typeof globalThis.fetch, bodies };
}

async function failure(promise: Promise<unknown>): Promise<OpenAIRequestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OpenAIRequestError)) throw new Error(`expected OpenAIRequestError, got ${error}`);
  return error;
}

describe('createOpenAIChat', () => {
  it('sends the OpenAI body to <baseUrl>/chat/completions and returns the first choice', async () => {
    const { fetch, bodies } = scripted([() => ok('好')]);
    const chat = createOpenAIChat({ baseUrl: 'http://x.invalid/v1//', model: 'm', fetch });
    expect(chat.url).toBe('http://x.invalid/v1/chat/completions');
    const completion = await chat.complete({ messages, temperature: 0, maxTokens: 8, topP: 0.9 });
    expect(completion).toEqual({ content: '好', finishReason: 'stop', attempts: 1 });
    expect(bodies).toEqual([{ model: 'm', messages, temperature: 0, max_tokens: 8, top_p: 0.9 }]);
  });

  it('retries 429/5xx with backoff or a longer Retry-After, and gives up after maxRetries', async () => {
    const retries: OpenAIRetryInfo[] = [];
    const busy = () => new Response('busy', { status: 503, headers: { 'retry-after': '0.03' } });
    const { fetch } = scripted([busy, () => new Response('slow down', { status: 429 }), () => ok('终于')]);
    const chat = createOpenAIChat({
      baseUrl: 'http://x.invalid/v1',
      model: 'm',
      fetch,
      initialBackoffMs: 2,
      onRetry: (info) => retries.push(info),
    });
    expect((await chat.complete({ messages })).attempts).toBe(3);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 30, reason: 503 },
      { attempt: 2, delayMs: 4, reason: 429 },
    ]);
    const always = createOpenAIChat({
      ...scripted([busy]),
      baseUrl: 'http://x',
      model: 'm',
      maxRetries: 1,
      initialBackoffMs: 1,
    });
    expect(await failure(always.complete({ messages }))).toMatchObject({
      kind: 'http',
      status: 503,
      attempts: 2,
    });
  });

  it('fails at once on 4xx, names a bad body, and retries network errors', async () => {
    const refused = scripted([() => new Response('{"error":"key"}', { status: 401 })]);
    const chat = createOpenAIChat({ ...refused, baseUrl: 'http://x', model: 'm', initialBackoffMs: 1 });
    expect(await failure(chat.complete({ messages }))).toMatchObject({
      kind: 'http',
      status: 401,
      attempts: 1,
    });
    expect(refused.bodies).toHaveLength(1);
    const odd = scripted([() => new Response('{"choices":[]}', { status: 200 })]);
    const oddChat = createOpenAIChat({ ...odd, baseUrl: 'http://x', model: 'm' });
    const bad = await failure(oddChat.complete({ messages }));
    expect(bad).toMatchObject({ kind: 'response', field: 'choices[0].message.content', status: 200 });
    const down = scripted([
      () => {
        throw new TypeError('fetch failed');
      },
    ]);
    const downChat = createOpenAIChat({
      ...down,
      baseUrl: 'http://x',
      model: 'm',
      maxRetries: 2,
      initialBackoffMs: 1,
    });
    const unreachable = await failure(downChat.complete({ messages }));
    expect(unreachable).toMatchObject({ kind: 'network', attempts: 3, detail: 'fetch failed' });
    expect(down.bodies).toHaveLength(3);
  });

  it('stops its backoff on abort and caps requests in flight', async () => {
    const controller = new AbortController();
    const busy = scripted([() => new Response('busy', { status: 503 })]);
    const chat = createOpenAIChat({ ...busy, baseUrl: 'http://x', model: 'm', initialBackoffMs: 10_000 });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const aborted = await failure(chat.complete({ messages, signal: controller.signal }));
    expect(aborted).toMatchObject({ kind: 'aborted', attempts: 1 });
    expect(aborted.cause).toBe(controller.signal.reason);
    expect(Date.now() - started).toBeLessThan(5000);
    let inFlight = 0;
    let most = 0;
    const fetch = (async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      return ok('好');
    }) as typeof globalThis.fetch;
    const limited = createOpenAIChat({ baseUrl: 'http://x', model: 'm', fetch, concurrency: 2 });
    await Promise.all(Array.from({ length: 5 }, () => limited.complete({ messages })));
    expect(most).toBe(2);
  });
});
