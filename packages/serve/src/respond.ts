import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineError, RequestError } from './errors.js';
import { corsHeaders } from './http-guards.js';

/** Answer with a JSON body. */
export function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(value));
}

/**
 * Answer an error as OpenAI does (`{ error: { message, type, param, code } }`): a `RequestError` with its status
 * and headers, a failed engine as 503, anything else as 500 (logged). Mid-stream it becomes an error event; a
 * client that went away gets nothing.
 */
export function sendError(
  request: IncomingMessage,
  response: ServerResponse,
  error: unknown,
  { corsOrigin, log }: { corsOrigin?: string; log?: (line: string) => void },
): void {
  // the client went away (its request was aborted): nothing to answer
  if ((error as Error)?.name === 'AbortError' || response.destroyed) return void response.destroy();
  const known =
    error instanceof RequestError
      ? error
      : error instanceof EngineError
        ? new RequestError(error.message, { status: 503 })
        : new RequestError(`internal error: ${(error as Error)?.message ?? error}`, { status: 500 });
  if (known.status === 500) log?.(`error: ${(error as Error)?.stack ?? error}`);
  if (response.writableEnded) return;
  if (response.headersSent) return void response.end(`data: ${JSON.stringify(known.toJSON())}\n\n`);
  const headers = { ...known.headers, ...corsHeaders(request, corsOrigin) };
  // a body that is too big or too slow is not read further: close the connection after answering
  if (known.status === 408 || known.status === 413) {
    headers.connection = 'close';
    response.on('finish', () => request.destroy());
  }
  sendJson(response, known.status, known.toJSON(), headers);
}
