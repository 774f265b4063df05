import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalEndpointError } from '../errors.js';
import { openAiGenerator } from './openai-generator.js';

let server: Server;
let baseUrl: string;
const seen: Array<{ auth?: string; body: Record<string, unknown>; url?: string }> = [];

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as {
      model: string;
      messages: Array<{ content: string }>;
    };
    seen.push({ auth: request.headers.authorization, body, url: request.url });
    if (body.model === 'broken') {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('model exploded');
      return;
    }
    const prompt = body.messages.at(-1)?.content ?? '';
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ choices: [{ message: { role: 'assistant', content: `echo:${prompt}` } }] }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('openAiGenerator against a real HTTP server', () => {
  it('posts a chat completion with key, model and max_tokens and returns the content', async () => {
    const generator = openAiGenerator({ baseUrl, apiKey: 'sk-test', model: 'tiny' });
    const text = await generator.generate('法条：第一条', { maxNewTokens: 7 });
    expect(text).toBe('echo:法条：第一条');
    const last = seen.at(-1)!;
    expect(last.url).toBe('/v1/chat/completions');
    expect(last.auth).toBe('Bearer sk-test');
    expect(last.body).toMatchObject({ model: 'tiny', max_tokens: 7, temperature: 0 });
  });

  it('turns an HTTP error into EvalEndpointError with the status', async () => {
    const generator = openAiGenerator({ baseUrl, model: 'broken' });
    const error = await generator.generate('x', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EvalEndpointError);
    expect((error as EvalEndpointError).status).toBe(500);
    expect((error as Error).message).toContain('model exploded');
  });

  it('names the URL when the endpoint is unreachable', async () => {
    const generator = openAiGenerator({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm' });
    await expect(generator.generate('x', {})).rejects.toThrow(
      /cannot reach http:\/\/127.0.0.1:1\/v1\/chat\/completions/,
    );
  });
});
