import { basename } from 'node:path';
import {
  builtinChatTemplates,
  createOpenAIServer,
  createWorkerEngine,
  isLoopback,
  stopOnSignals,
} from '@lawgpt/serve';
import type { Command, ParsedArgs } from '../command.js';
import { UsageError } from '../command.js';
import { BACKEND_NAMES } from '../option-choices.js';
import { choiceValue, dtypeValue, numberValue, requireString, stringValue } from '../option-values.js';
import { backendOption, dtypeOption } from '../runtime.js';

const templates = Object.keys(builtinChatTemplates).join(' | ');

/** `lawgpt serve`: an OpenAI-compatible HTTP API (and a chat page) over a local model. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve a model over an OpenAI-compatible HTTP API with a chat page at /',
  usage:
    'lawgpt serve --model DIR [--adapter DIR] [--template NAME|FILE] [--host 127.0.0.1] [--port 8000] [--api-key KEY]',
  options: {
    model: { type: 'string', short: 'm', valueName: 'DIR', description: 'HF model folder or .gguf file' },
    adapter: {
      type: 'string',
      short: 'a',
      valueName: 'DIR',
      description: 'PEFT LoRA adapter applied on top',
    },
    tokenizer: {
      type: 'string',
      short: 't',
      valueName: 'PATH',
      description: 'Tokenizer (default: the model folder)',
    },
    template: {
      type: 'string',
      valueName: 'NAME|FILE',
      description: `Chat template: ${templates} or a Jinja file (default: the model's chat_template, which lawgpt sft/merge record)`,
    },
    host: { type: 'string', valueName: 'HOST', default: '127.0.0.1', description: 'Address to listen on' },
    // no -p: that is infer's --prompt (and vLLM and the OpenAI servers spell the port out too)
    port: {
      type: 'string',
      valueName: 'PORT',
      default: '8000',
      description: 'Port (0 picks a free one)',
    },
    'api-key': {
      type: 'string',
      valueName: 'KEY',
      description:
        'Require Authorization: Bearer KEY on /v1/ (default $LAWGPT_API_KEY, which other users cannot see in ps; none: open)',
    },
    'cors-origin': {
      type: 'string',
      valueName: 'ORIGIN',
      description: 'Let pages of this one origin call the API from a browser (default: none)',
    },
    'model-id': {
      type: 'string',
      valueName: 'NAME',
      description: 'Model name in the API (default: folder name)',
    },
    'max-tokens': {
      type: 'string',
      valueName: 'N',
      default: '256',
      description: 'max_tokens when a request gives none',
    },
    context: {
      type: 'string',
      valueName: 'N',
      description:
        'Context served, prompt + answer (default max_position_embeddings; more needs --allow-long-context)',
    },
    'allow-long-context': {
      type: 'boolean',
      description:
        "Allow --context past the model's max_position_embeddings (warns with the RoPE scaling in use)",
    },
    'max-queue': {
      type: 'string',
      valueName: 'N',
      default: '16',
      description: 'Requests waiting before 429s',
    },
    'body-timeout': {
      type: 'string',
      valueName: 'MS',
      default: '10000',
      description: 'Time to send a request (408 after)',
    },
    'drain-timeout': {
      type: 'string',
      valueName: 'MS',
      default: '10000',
      description: 'On SIGTERM/SIGINT, time requests in flight get before they are aborted',
    },
    backend: backendOption,
    dtype: dtypeOption,
  },
  details: [
    'Endpoints: GET /v1/models, POST /v1/chat/completions, POST /v1/completions (stream: true for SSE), GET /health.',
    'Extensions accepted in requests: top_k, repetition_penalty, num_beams.',
    'The model runs in a worker thread; one request generates at a time, the others wait in the queue.',
    'Examples (from the repository root, after npm run demo):',
    '  lawgpt serve --model lawgpt-demo/merged-model',
    '  LAWGPT_API_KEY=$(openssl rand -hex 16) lawgpt serve --model lawgpt-demo/merged-model --host 0.0.0.0 --port 8080',
  ].join('\n'),
  async run(args, io) {
    const options = serveOptions(args);
    const engine = await createWorkerEngine({
      ...options.engine,
      onWarning: (message) => io.stderr(`warning: ${message}\n`),
    });
    if (engine.template.warning) io.stderr(`warning: ${engine.template.warning}\n`);
    const server = createOpenAIServer({
      engine,
      ...options.server,
      log: (line) => io.stderr(`${line}\n`),
    });
    let address: Awaited<ReturnType<typeof server.listen>>;
    try {
      address = await server.listen({ host: options.host, port: options.port });
    } catch (error) {
      await engine.close();
      throw error;
    }
    if (!isLoopback(options.host) && options.server.apiKey === undefined) {
      io.stderr(
        `warning: listening on ${options.host} without an API key: anyone who can reach this machine can use the ` +
          'model; give --api-key KEY or set LAWGPT_API_KEY\n',
      );
    }
    io.stdout(
      `serving ${engine.modelId} on ${address.url} (backend ${engine.backend}, context ${engine.contextLength}, ` +
        `chat template ${engine.template.source}${options.server.apiKey === undefined ? '' : ', API key required'})\n`,
    );
    const { report } = await stopOnSignals({
      server,
      engine,
      graceMs: options.drainMs,
      onSignal: (signal) =>
        io.stderr(
          `${signal}: not accepting new requests; ${server.activeRequests} in flight get up to ${options.drainMs} ms (again to abort them)\n`,
        ),
    });
    io.stderr(`stopped: ${report.finished} requests finished, ${report.aborted} aborted\n`);
    return 0;
  },
};

/** Every option checked before anything loads. */
function serveOptions({ values }: ParsedArgs) {
  const text = (key: string) => stringValue(values[key]);
  const modelDir = requireString(values.model, '--model');
  const port = numberValue(values.port, '--port', { integer: true, min: 0 })!;
  if (port > 65535) throw new UsageError(`--port must be 0–65535, got ${port}`);
  const context = numberValue(values.context, '--context', { integer: true, min: 2 });
  const apiKey = text('api-key') ?? process.env.LAWGPT_API_KEY;
  if (apiKey !== undefined && apiKey.trim() === '')
    throw new UsageError('--api-key (or LAWGPT_API_KEY) is empty');
  const corsOrigin = text('cors-origin');
  if (corsOrigin !== undefined && !/^https?:\/\/[^/]+$/.test(corsOrigin))
    throw new UsageError(
      `--cors-origin must be an origin like https://example.com (no path), got '${corsOrigin}'`,
    );
  return {
    host: text('host') ?? '127.0.0.1',
    port,
    drainMs: numberValue(values['drain-timeout'], '--drain-timeout', { integer: true, min: 0 })!,
    engine: {
      modelDir,
      tokenizerPath: text('tokenizer'),
      adapterDir: text('adapter'),
      backend: choiceValue(values.backend, '--backend', BACKEND_NAMES),
      dtype: dtypeValue(values.dtype, '--dtype'),
      template: text('template'),
      modelId: text('model-id') ?? basename(modelDir),
      contextLength: context,
      allowLongContext: values['allow-long-context'] === true,
    },
    server: {
      apiKey: apiKey?.trim(),
      corsOrigin,
      defaultMaxTokens: numberValue(values['max-tokens'], '--max-tokens', { integer: true, min: 1 }),
      maxQueue: numberValue(values['max-queue'], '--max-queue', { integer: true, min: 0 }),
      bodyTimeoutMs: numberValue(values['body-timeout'], '--body-timeout', { integer: true, min: 1 }),
    },
  };
}
