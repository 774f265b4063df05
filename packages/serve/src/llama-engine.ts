import { type GenerateChunk, generate, type LlamaModel } from '@lawgpt/llama-core';
import { type ChatPrompter, createChatPrompter } from './chat-template.js';
import type {
  Completion,
  CompletionChunk,
  CompletionEngine,
  CompletionRequest,
} from './completion-engine.js';
import { RequestError, ServeError } from './errors.js';
import type { RuntimeTokenizer } from './load-runtime.js';

/** Options for {@link createLlamaEngine}. */
export interface LlamaEngineOptions {
  model: LlamaModel;
  tokenizer: RuntimeTokenizer;
  /** The Jinja chat template chats are rendered with (see `resolveChatTemplate`). */
  chatTemplate: string;
  /** Name reported by `/v1/models` and in responses. */
  modelId: string;
  /** Longest prompt + completion in tokens (default the model's `max_position_embeddings`; more needs RoPE scaling). */
  contextLength?: number;
  /** Allow `contextLength` past `max_position_embeddings` (generation then warns once with the RoPE scaling). */
  allowLongContext?: boolean;
  /** Receives generation warnings (each kind once). */
  onWarning?: (message: string) => void;
}

function contextError(kind: 'messages' | 'prompt', promptTokens: number, contextLength: number) {
  return new RequestError(
    `This model's maximum context length is ${contextLength} tokens. However, your ${kind} resulted in ` +
      `${promptTokens} tokens, which leaves no room for an answer. Please reduce the length of the ${kind}.`,
    { param: kind, code: 'context_length_exceeded' },
  );
}

async function* completionChunks(
  chunks: AsyncGenerator<GenerateChunk>,
  promptTokens: number,
): AsyncGenerator<CompletionChunk> {
  let completionTokens = 0;
  for await (const chunk of chunks) {
    completionTokens += chunk.tokenIds.length;
    if (!chunk.finishReason) {
      yield { text: chunk.text };
      continue;
    }
    const reason = chunk.finishReason;
    yield {
      text: chunk.text,
      finishReason: reason === 'length' ? 'length' : reason === 'abort' ? 'abort' : 'stop',
      usage: { promptTokens, completionTokens },
    };
  }
}

/**
 * A {@link CompletionEngine} over a llama-core model on the calling thread (the server runs it in a worker, see
 * `createWorkerEngine`): chats rendered with the model's chat template, every sampling setting of the request
 * used, prompts that do not fit refused and `max_tokens` capped to the room left.
 */
export function createLlamaEngine({
  model,
  tokenizer,
  chatTemplate,
  modelId,
  contextLength = model.config.maxPositionEmbeddings,
  allowLongContext = false,
  onWarning,
}: LlamaEngineOptions): CompletionEngine {
  const positions = model.config.maxPositionEmbeddings;
  if (contextLength > positions && !allowLongContext) {
    throw new ServeError(
      `a context of ${contextLength} tokens is past the model's max_position_embeddings (${positions}); ` +
        'allow it with allowLongContext (lawgpt serve --allow-long-context)',
      { field: 'contextLength' },
    );
  }
  const prompter: ChatPrompter = createChatPrompter({ template: chatTemplate, tokenizer });
  return {
    modelId,
    contextLength,
    async complete(request: CompletionRequest): Promise<Completion> {
      const kind = request.messages ? 'messages' : 'prompt';
      const text = request.messages ? prompter.render(request.messages) : (request.prompt ?? '');
      const inputIds = prompter.encode(text);
      if (inputIds.length === 0) throw new RequestError("'prompt' encodes to no tokens", { param: 'prompt' });
      if (inputIds.length >= contextLength) throw contextError(kind, inputIds.length, contextLength);
      const maxTokens = Math.min(request.maxTokens, contextLength - inputIds.length);
      const chunks = generate({
        model,
        tokenizer,
        inputIds,
        maxNewTokens: maxTokens,
        doSample: request.temperature > 0 && request.numBeams === 1,
        temperature: request.temperature > 0 ? request.temperature : 1,
        topP: request.topP,
        topK: request.topK,
        repetitionPenalty: request.repetitionPenalty,
        numBeams: request.numBeams,
        stopStrings: request.stop,
        // no seed: a fresh sample each time, as OpenAI does
        seed: request.seed ?? Math.floor(Math.random() * 2 ** 31),
        signal: request.signal,
        allowLongContext: contextLength > positions,
        onWarning,
      });
      return { promptTokens: inputIds.length, maxTokens, chunks: completionChunks(chunks, inputIds.length) };
    },
    async close() {
      model.dispose();
    },
  };
}
