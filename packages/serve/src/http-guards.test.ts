import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeEngine } from './fake-engine.test-helpers.js';
import { createOpenAIServer, type OpenAIServer, type OpenAIServerOptions } from './openai-server.js';

let running: OpenAIServer | undefined;
afterEach(async () => {
  await running?.shutdown({ graceMs: 0 });
  running = undefined;
});

async function start(options: Partial<OpenAIServerOptions> = {}) {
  running = createOpenAIServer({ engine: fakeEngine(), ...options });
  return (await running.listen()).url;
}

const body = JSON.stringify({ messages: [{ role: 'user', content: '盗窃' }], max_tokens: 2 });
const chat = (url: string, headers: Record<string, string> = {}, method = 'POST') =>
  fetch(`${url}/v1/chat/completions`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'POST' ? body : undefined,
  });

describe('API key', () => {
  it('requires Authorization: Bearer KEY on /v1/ (401 otherwise); /health and the page stay open', async () => {
    const url = await start({ apiKey: 'sekret-123' });
    const wrong = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'guess', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    const missing = await chat(url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const right = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sekret-123', maxRetries: 0 });
    const answer = await right.chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: '盗窃' }],
    });
    expect(answer.choices[0]!.message.content).toContain('盗窃罪');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const page = await (await fetch(`${url}/`)).text();
    expect(page).toContain('data-requires-key="true"');
  });
});

describe('browsers', () => {
  it('answers no CORS by default: preflights and cross-origin requests are refused, same-origin ones served', async () => {
    const url = await start();
    const preflight = await fetch(`${url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const cross = await chat(url, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    const same = await chat(url, { origin: url });
    expect(same.status).toBe(200);
    expect(same.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('--cors-origin allows exactly that origin', async () => {
    const url = await start({ corsOrigin: 'https://app.example' });
    const preflight = await fetch(`${url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const allowed = await chat(url, { origin: 'https://app.example' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await chat(url, { origin: 'https://other.example' })).status).toBe(403);
  });

  it('refuses POSTs that are not application/json (a cross-site text/plain form cannot run a generation)', async () => {
    const url = await start();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', '']) {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: type ? { 'content-type': type } : {},
        body: type === '' ? new Uint8Array(Buffer.from(body)) : body,
      });
      expect(response.status).toBe(415);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'unsupported_media_type',
      );
    }
    expect((await chat(url, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('a loopback server answers only loopback Host names (no DNS rebinding)', async () => {
    const url = await start();
    const { port } = new URL(url);
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          { host: '127.0.0.1', port, path: '/v1/models', headers: { host } },
          (response) => {
            response.resume();
            resolve(response.statusCode!);
          },
        );
        request.on('error', reject).end();
      });
    expect(await status(`evil.example:${port}`)).toBe(403);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
  });
});
