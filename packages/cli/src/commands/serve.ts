import { basename } from 'node:path';
import type { BackendName } from '@lawgpt/llama-core';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { dtypeValue } from '../option-values.js';
import { dtypeOption, loadRuntime } from '../runtime.js';
import { createLlamaEngine } from '../serve/llama-engine.js';
import { createOpenAIServer } from '../serve/openai-server.js';

/** `lawgpt serve`: an OpenAI-compatible HTTP API (and a chat page) over a local model. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve a model over an OpenAI-compatible HTTP API with a chat page at /',
  usage: 'lawgpt serve --model DIR [--adapter DIR] [--tokenizer PATH] [--host 127.0.0.1] [--port 8000]',
  options: {
    model: { type: 'string', short: 'm', valueName: 'DIR', description: 'HF model folder' },
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
    host: { type: 'string', valueName: 'HOST', default: '127.0.0.1', description: 'Address to listen on' },
    port: {
      type: 'string',
      short: 'p',
      valueName: 'PORT',
      default: '8000',
      description: 'Port (0 picks a free one)',
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
    backend: { type: 'string', valueName: 'NAME', description: 'tensorflow | gpu | wasm | cpu' },
    dtype: dtypeOption,
    'allow-long-context': {
      type: 'boolean',
      description:
        "Generate past the model's max_position_embeddings (default: stop there, finish_reason length); the warning names the RoPE scaling in use",
    },
  },
  details:
    'Endpoints: GET /v1/models, POST /v1/chat/completions, POST /v1/completions (stream: true for SSE), GET /health.\nExtensions accepted in requests: top_k, repetition_penalty, num_beams.',
  async run({ values }, io) {
    if (!values.model) throw new UsageError('--model is required');
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be 0–65535, got ${values.port}`);
    const runtime = await loadRuntime({
      modelDir: values.model as string,
      tokenizerPath: values.tokenizer as string | undefined,
      adapterDir: values.adapter as string | undefined,
      backend: values.backend as BackendName | undefined,
      dtype: dtypeValue(values.dtype, '--dtype'),
    });
    const modelId = (values['model-id'] as string | undefined) ?? basename(values.model as string);
    const server = createOpenAIServer({
      engine: createLlamaEngine({
        ...runtime,
        modelId,
        allowLongContext: values['allow-long-context'] === true,
        onWarning: (message) => io.stderr(`warning: ${message}\n`),
      }),
      defaultMaxTokens: Number(values['max-tokens']),
      log: (line) => io.stderr(`${line}\n`),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, values.host as string, resolve);
    });
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    io.stdout(
      `serving ${modelId} on http://${values.host}:${actualPort} (backend ${runtime.model.backend?.name ?? '?'})\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    runtime.model.dispose();
    return 0;
  },
};
