// The teacher of `lawgpt data self-instruct|clean|exam`: an OpenAI-compatible chat client from the command line.
import { type ChatClient, createChatClient } from '@lawgpt/data-gen';
import type { CommandIO, ParsedArgs } from '../command.js';
import { nonNegativeInteger, requireString } from '../option-values.js';

/**
 * A chat client from `--base-url`, `--api-key` (default `$OPENAI_API_KEY`), `--model`, `--concurrency`,
 * `--timeout-ms` and `--max-retries`; each retry is reported on stderr, and `signal` cancels the requests in flight.
 */
export function teacherClient(values: ParsedArgs['values'], io: CommandIO, signal: AbortSignal): ChatClient {
  return createChatClient({
    baseUrl: requireString(values['base-url'], '--base-url'),
    apiKey: typeof values['api-key'] === 'string' ? values['api-key'] : process.env.OPENAI_API_KEY,
    model: requireString(values.model, '--model'),
    concurrency: nonNegativeInteger(values.concurrency, '--concurrency'),
    timeoutMs: nonNegativeInteger(values['timeout-ms'], '--timeout-ms'),
    maxRetries: nonNegativeInteger(values['max-retries'], '--max-retries'),
    signal,
    onRetry: ({ attempt, delayMs, reason }) =>
      io.stderr(`\nretry ${attempt} after ${reason} in ${delayMs} ms\n`),
  });
}
