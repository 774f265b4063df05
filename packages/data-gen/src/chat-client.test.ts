import { completionBody, type FakeOpenAI, startFakeOpenAI } from '@lawgpt/test-helpers/openai-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatClient } from './chat-client.js';
import { DataGenAbortError, TeacherHttpError, TeacherUnreachableError } from './errors.js';

let teacher: FakeOpenAI | undefined;
afterEach(async () => {
  await teacher?.close();
  teacher = undefined;
});

const messages = [{ role: 'user' as const, content: '你好' }];

describe('createChatClient against a real HTTP endpoint on 127.0.0.1', () => {
  it('sends model, messages and the API key, and returns the first choice', async () => {
    teacher = await startFakeOpenAI(() => ({ body: completionBody('您好！', 'stop') }));
    const client = createChatClient({
      baseUrl: `${teacher.baseUrl}/`,
      apiKey: 'sk-test',
      model: 'teacher-1',
    });
    const completion = await client.complete({ messages, temperature: 0.5, maxTokens: 64 });
    expect(completion).toEqual({
      content: '您好！',
      finishReason: 'stop',
      usage: { promptTokens: 10, completionTokens: 20 },
      attempts: 1,
    });
    expect(teacher.requests[0].authorization).toBe('Bearer sk-test');
    expect(teacher.requests[0].body).toMatchObject({
      model: 'teacher-1',
      messages,
      temperature: 0.5,
      max_tokens: 64,
    });
  });

  it('retries a 429 with backoff (honouring Retry-After) and then succeeds', async () => {
    teacher = await startFakeOpenAI(({ index }) =>
      index === 0
        ? { status: 429, body: { error: 'rate limited' }, headers: { 'retry-after': '0.05' } }
        : { body: completionBody('好') },
    );
    const retries: unknown[] = [];
    const client = createChatClient({
      baseUrl: teacher.baseUrl,
      model: 'm',
      initialBackoffMs: 10,
      onRetry: (info) => retries.push(info),
    });
    const completion = await client.complete({ messages });
    expect(completion.attempts).toBe(2);
    expect(teacher.requests).toHaveLength(2);
    expect(retries).toEqual([{ attempt: 1, delayMs: 50, reason: 429 }]);
  });

  it('retries a timed-out attempt, and gives up with TeacherUnreachableError when every attempt times out', async () => {
    teacher = await startFakeOpenAI(({ index }) => ({
      body: completionBody('迟到'),
      delayMs: index === 0 ? 1000 : 0,
    }));
    const client = createChatClient({
      baseUrl: teacher.baseUrl,
      model: 'm',
      timeoutMs: 150,
      initialBackoffMs: 5,
      maxRetries: 2,
    });
    expect((await client.complete({ messages })).attempts).toBe(2);
    await teacher.close();
    teacher = await startFakeOpenAI(() => ({ body: completionBody('太慢'), delayMs: 1000 }));
    const slow = createChatClient({
      baseUrl: teacher.baseUrl,
      model: 'm',
      timeoutMs: 100,
      initialBackoffMs: 5,
      maxRetries: 1,
    });
    const error = await slow.complete({ messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TeacherUnreachableError);
    expect(error).toMatchObject({ reason: 'timeout', attempts: 2 });
  });

  it('throws TeacherHttpError at once on 401 and after the retries on 503', async () => {
    teacher = await startFakeOpenAI(({ body }) => ({
      status: body.model === 'bad-key' ? 401 : 503,
      body: { error: 'no' },
    }));
    const unauthorized = createChatClient({
      baseUrl: teacher.baseUrl,
      model: 'bad-key',
      initialBackoffMs: 1,
    });
    await expect(unauthorized.complete({ messages })).rejects.toMatchObject({
      name: 'TeacherHttpError',
      status: 401,
      attempts: 1,
    });
    const unavailable = createChatClient({
      baseUrl: teacher.baseUrl,
      model: 'm',
      initialBackoffMs: 1,
      maxRetries: 3,
    });
    const error = await unavailable.complete({ messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TeacherHttpError);
    expect(error).toMatchObject({ status: 503, attempts: 4 });
    expect(teacher.requests).toHaveLength(5);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    teacher = await startFakeOpenAI(() => ({ body: completionBody('好'), delayMs: 40 }));
    const client = createChatClient({ baseUrl: teacher.baseUrl, model: 'm', concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => client.complete({ messages })));
    expect(teacher.requests).toHaveLength(6);
    expect(teacher.maxInFlight).toBe(2);
  });

  it('reports an unreachable endpoint, uses an injected fetch, and stops on abort', async () => {
    const closed = createChatClient({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
      maxRetries: 1,
      initialBackoffMs: 1,
    });
    await expect(closed.complete({ messages })).rejects.toMatchObject({
      name: 'TeacherUnreachableError',
      reason: 'network',
      attempts: 2,
    });
    const urls: string[] = [];
    const injected = createChatClient({
      baseUrl: 'http://teacher.invalid/v1',
      model: 'm',
      fetch: async (url) => {
        urls.push(String(url));
        return new Response(JSON.stringify(completionBody('注入')), { status: 200 });
      },
    });
    expect((await injected.complete({ messages })).content).toBe('注入');
    expect(urls).toEqual(['http://teacher.invalid/v1/chat/completions']);
    teacher = await startFakeOpenAI(() => ({ body: completionBody('慢'), delayMs: 2000 }));
    const controller = new AbortController();
    const client = createChatClient({ baseUrl: teacher.baseUrl, model: 'm', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(client.complete({ messages })).rejects.toBeInstanceOf(DataGenAbortError);
  });
});
