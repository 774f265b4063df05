import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestError } from './errors.js';

/** Who may call the API. */
export interface AccessOptions {
  /** Required as `Authorization: Bearer KEY` on every `/v1/` route (default none: open). */
  apiKey?: string;
  /** The one other origin whose browser pages may call the API (CORS); default none. */
  corsOrigin?: string;
  /** Host names the `Host` header may carry (DNS-rebinding guard); default any. */
  allowedHosts?: readonly string[];
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1', '[::1]'];

/** True for an address only this machine can reach (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopback(host: string): boolean {
  return LOOPBACK.includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Host names a loopback-bound server answers to. */
export const loopbackHosts: readonly string[] = LOOPBACK;

function hostname(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.replace(/:\d+$/, '');
}

/** The `Access-Control-Allow-Origin` headers for a request from the allowed origin, else none. */
export function corsHeaders(
  request: IncomingMessage,
  corsOrigin: string | undefined,
): Record<string, string> {
  const origin = request.headers.origin;
  return corsOrigin && origin === corsOrigin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
}

/** The answer to a CORS preflight (`OPTIONS`): allowed for `corsOrigin` only. */
export function preflight(request: IncomingMessage, corsOrigin: string | undefined): Record<string, string> {
  const origin = request.headers.origin;
  if (!corsOrigin || origin !== corsOrigin)
    throw new RequestError(`cross-origin requests from ${origin ?? 'this page'} are not allowed`, {
      status: 403,
    });
  return {
    ...corsHeaders(request, corsOrigin),
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-max-age': '600',
  };
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuse an API request that is not allowed: a `Host` outside `allowedHosts` (403), a browser request from
 * another origin than the page's own or `corsOrigin` (403), a missing or wrong API key (401), and a POST
 * whose body is not declared `application/json` (415; this also keeps cross-site `text/plain` forms out).
 */
export function checkAccess(
  request: IncomingMessage,
  { apiKey, corsOrigin, allowedHosts }: AccessOptions,
): void {
  const host = request.headers.host ?? '';
  if (allowedHosts && !allowedHosts.includes(hostname(host)))
    throw new RequestError(`Host '${host}' is not served here`, { status: 403, code: 'host_not_allowed' });
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== corsOrigin) {
    let sameOrigin = false;
    try {
      sameOrigin = new URL(origin).host === host;
    } catch {}
    if (!sameOrigin) {
      throw new RequestError(
        `cross-origin requests from ${origin} are not allowed (the server allows one origin with --cors-origin)`,
        { status: 403, code: 'origin_not_allowed' },
      );
    }
  }
  if (apiKey !== undefined) {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !sameKey(match[1]!.trim(), apiKey)) {
      throw new RequestError(
        header === ''
          ? 'You did not provide an API key (Authorization: Bearer KEY).'
          : 'Incorrect API key provided.',
        { status: 401, code: 'invalid_api_key', headers: { 'www-authenticate': 'Bearer' } },
      );
    }
  }
  if (request.method === 'POST') {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new RequestError(`Content-Type must be application/json, got ${type === '' ? 'none' : type}`, {
        status: 415,
        code: 'unsupported_media_type',
      });
    }
  }
}

/** Options of {@link readJsonBody}. */
export interface ReadBodyOptions {
  /** Largest body (413 beyond). */
  maxBytes: number;
  /** Time to receive the whole body from the request's arrival (408 after). */
  timeoutMs: number;
}

/** Read a JSON object body within the size and time limits (a trickling client gets 408). */
export function readJsonBody(
  request: IncomingMessage,
  { maxBytes, timeoutMs }: ReadBodyOptions,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: RequestError, body?: Record<string, unknown>) => {
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onError);
      if (error) {
        request.pause();
        reject(error);
      } else resolve(body!);
    };
    const timer = setTimeout(
      () =>
        finish(
          new RequestError(`the request body was not received within ${timeoutMs} ms`, {
            status: 408,
            code: 'request_timeout',
          }),
        ),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes)
        return finish(new RequestError(`the request body is larger than ${maxBytes} bytes`, { status: 413 }));
      chunks.push(chunk);
    };
    const onEnd = () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (body === null || typeof body !== 'object' || Array.isArray(body))
          throw new Error('not an object');
        finish(undefined, body as Record<string, unknown>);
      } catch (error) {
        finish(new RequestError(`the request body is not a JSON object (${(error as Error).message})`));
      }
    };
    const onError = (error: Error) =>
      finish(new RequestError(`request failed: ${error.message}`, { status: 400 }));
    request.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
