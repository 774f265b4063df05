// A scripted CompletionEngine for the HTTP tests: answers a fixed text character by character, with a delay per
// character, and records every request and whether it was aborted.
import type {
  Completion,
  CompletionChunk,
  CompletionEngine,
  CompletionRequest,
} from './completion-engine.js';
import { RequestError } from './errors.js';

export const ANSWER = '答：甲构成盗窃罪。依照《刑法》第二百六十四条处罚。';

export interface FakeEngine extends CompletionEngine {
  requests: CompletionRequest[];
  /** Requests whose signal was aborted, and characters sent after the abort was seen (always 0 or 1). */
  aborted: CompletionRequest[];
  maxActive: number;
}

/** The fake's prompt length: one token per character of the prompt or of every message. */
export const promptLength = (request: CompletionRequest) =>
  request.prompt !== undefined
    ? request.prompt.length
    : request.messages!.reduce((sum, m) => sum + m.content.length, 0);

export function fakeEngine({ delayMs = 0, contextLength = 64, answer = ANSWER } = {}): FakeEngine {
  let active = 0;
  const engine: FakeEngine = {
    modelId: 'fake',
    contextLength,
    requests: [],
    aborted: [],
    maxActive: 0,
    async complete(request) {
      engine.requests.push(request);
      const promptTokens = promptLength(request);
      if (promptTokens >= contextLength) {
        throw new RequestError(
          `maximum context length is ${contextLength} tokens; the prompt has ${promptTokens}`,
          {
            param: 'messages',
            code: 'context_length_exceeded',
          },
        );
      }
      const maxTokens = Math.min(request.maxTokens, contextLength - promptTokens);
      async function* chunks(): AsyncGenerator<CompletionChunk> {
        active++;
        engine.maxActive = Math.max(engine.maxActive, active);
        try {
          let text = '';
          let count = 0;
          for (const character of answer) {
            if (count === maxTokens) break;
            if (request.signal?.aborted) {
              engine.aborted.push(request);
              yield { text: '', finishReason: 'abort', usage: { promptTokens, completionTokens: count } };
              return;
            }
            if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
            text += character;
            count++;
            const stop = request.stop.find((s) => text.endsWith(s));
            if (stop) {
              yield { text: '', finishReason: 'stop', usage: { promptTokens, completionTokens: count } };
              return;
            }
            yield { text: character };
          }
          const finishReason = count === maxTokens ? 'length' : 'stop';
          yield { text: '', finishReason, usage: { promptTokens, completionTokens: count } };
        } finally {
          active--;
        }
      }
      return { promptTokens, maxTokens, chunks: chunks() } satisfies Completion;
    },
  };
  return engine;
}
