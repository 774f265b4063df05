import { completionBody, type FakeOpenAI, startFakeOpenAI } from '@lawgpt/test-helpers/openai-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalEndpointError } from '../errors.js';
import { openAiGenerator } from './openai-generator.js';
import { withRetries } from './work-pool.js';

let server: FakeOpenAI;
let baseUrl: string;
/** Requests for model `flaky-N` fail with 503 until the Nth; `broken` always 500; `refused` 400. */
const calls = new Map<string, number>();

beforeAll(async () => {
  server = await startFakeOpenAI(({ body }) => {
    const model = body.model ?? '';
    const call = (calls.get(model) ?? 0) + 1;
    calls.set(model, call);
    if (model === 'broken') return { status: 500, body: 'model exploded' };
    if (model === 'refused') return { status: 400, body: { error: 'bad request' } };
    const flaky = /^flaky-(\d+)$/.exec(model);
    if (flaky && call < Number(flaky[1]))
      return { status: 503, body: 'busy', headers: { 'retry-after': '0.02' } };
    return { body: completionBody(`echo:${body.messages?.at(-1)?.content ?? ''}`) };
  });
  baseUrl = `${server.baseUrl}/`;
});

afterAll(() => server.close());

describe('openAiGenerator against a real HTTP server', () => {
  it('posts a chat completion with key, model and max_tokens and returns the content', async () => {
    const generator = openAiGenerator({ baseUrl, apiKey: 'sk-test', model: 'tiny' });
    const text = await generator.generate('法条：第一条', { maxNewTokens: 7 });
    expect(text).toBe('echo:法条：第一条');
    const last = server.requests.at(-1)!;
    expect(last.url).toBe('/v1/chat/completions');
    expect(last.authorization).toBe('Bearer sk-test');
    expect(last.body).toMatchObject({ model: 'tiny', max_tokens: 7, temperature: 0 });
  });

  it('turns an HTTP error into EvalEndpointError with the status', async () => {
    const generator = openAiGenerator({ baseUrl, model: 'broken', maxRetries: 0 });
    const error = await generator.generate('x', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EvalEndpointError);
    expect((error as EvalEndpointError).status).toBe(500);
    expect((error as Error).message).toContain('model exploded');
  });

  it('names the URL when the endpoint is unreachable', async () => {
    const generator = openAiGenerator({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', maxRetries: 0 });
    await expect(generator.generate('x', {})).rejects.toThrow(
      /cannot reach http:\/\/127.0.0.1:1\/v1\/chat\/completions/,
    );
  });

  it('retries 503s (waiting the Retry-After) up to maxRetries, and a 400 not at all', async () => {
    const waits: number[] = [];
    const options = {
      baseUrl,
      initialBackoffMs: 1,
      onRetry: ({ delayMs }: { delayMs: number }) => waits.push(delayMs),
    };
    expect(await openAiGenerator({ ...options, model: 'flaky-3', maxRetries: 2 }).generate('再试', {})).toBe(
      'echo:再试',
    );
    expect(calls.get('flaky-3')).toBe(3);
    expect(waits).toEqual([20, 20]);
    const gaveUp = openAiGenerator({ ...options, model: 'flaky-9', maxRetries: 1 }).generate('x', {});
    await expect(gaveUp).rejects.toMatchObject({ name: 'EvalEndpointError', status: 503 });
    expect(calls.get('flaky-9')).toBe(2);
    const refused = openAiGenerator({ ...options, model: 'refused', maxRetries: 5 }).generate('x', {});
    await expect(refused).rejects.toMatchObject({ name: 'EvalEndpointError', status: 400 });
    expect(calls.get('refused')).toBe(1);
  });

  it('is not retried again by the runners (withRetries), which do retry other errors', async () => {
    const generator = openAiGenerator({ baseUrl, model: 'refused', maxRetries: 0 });
    const before = calls.get('refused') ?? 0;
    const attempt = () => generator.generate('x', {});
    await expect(withRetries(attempt, { retries: 3, baseDelayMs: 1 })).rejects.toBeInstanceOf(
      EvalEndpointError,
    );
    expect(calls.get('refused')).toBe(before + 1);
    let failures = 2;
    const flaky = async () => {
      if (failures-- > 0) throw new Error('flaky');
      return 'ok';
    };
    expect(await withRetries(flaky, { retries: 2, baseDelayMs: 1 })).toBe('ok');
  });

  it('passes an abort through as the signal reason', async () => {
    const controller = new AbortController();
    const generator = openAiGenerator({ baseUrl, model: 'tiny' });
    controller.abort();
    const error = await generator.generate('x', { signal: controller.signal }).catch((caught) => caught);
    expect(error).toBe(controller.signal.reason);
    expect(server.requests.filter((request) => request.body.model === 'tiny')).toHaveLength(1);
  });
});
