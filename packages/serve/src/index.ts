export type {
  ChatPrompter,
  ChatPrompterOptions,
  FindChatTemplateOptions,
  ResolveChatTemplateOptions,
  ResolvedChatTemplate,
} from './chat-template.js';
export {
  builtinChatTemplates,
  chatPromptTokenizer,
  createChatPrompter,
  findChatTemplate,
  resolveChatTemplate,
} from './chat-template.js';
export type {
  Completion,
  CompletionChunk,
  CompletionEngine,
  CompletionRequest,
  EngineStats,
} from './completion-engine.js';
export type { RequestErrorInit, ServeErrorDetails } from './errors.js';
export { EngineError, RequestError, ServeError, TemplateError } from './errors.js';
export type { AccessOptions } from './http-guards.js';
export { isLoopback } from './http-guards.js';
export type { LlamaEngineOptions } from './llama-engine.js';
export { createLlamaEngine } from './llama-engine.js';
export type {
  CheckTokenizerFitsOptions,
  LoadRuntimeOptions,
  Runtime,
  RuntimeTokenizer,
} from './load-runtime.js';
export { checkTokenizerFits, loadModelTokenizer, loadRuntime } from './load-runtime.js';
export type { SamplingFields } from './openai-request.js';
export type { ListenResult, OpenAIServer, OpenAIServerOptions, ShutdownReport } from './openai-server.js';
export { createOpenAIServer } from './openai-server.js';
export type { StopOnSignalsOptions } from './stop-on-signals.js';
export { stopOnSignals } from './stop-on-signals.js';
export type { WebUiOptions } from './web-ui.js';
export { webUiHtml } from './web-ui.js';
export type { WorkerEngine, WorkerEngineOptions } from './worker-engine.js';
export { createWorkerEngine } from './worker-engine.js';
