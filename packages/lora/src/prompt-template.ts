/** One instruction-tuning record in Stanford Alpaca's format. */
export interface AlpacaRecord {
  instruction: string;
  /** Optional context for the instruction (LaWGPT's template dropped it; ours keeps it). */
  input?: string;
  output: string;
}

/** A prompt template: the text before the response, with and without an `input` section. */
export interface PromptTemplate {
  name: string;
  withInput: string;
  withoutInput: string;
  /** Marker that ends the prompt; generation output after it is the response. */
  responseSplit: string;
}

/** Stanford Alpaca's English template (the format most Alpaca-style data sets were trained with). */
export const alpacaTemplate: PromptTemplate = {
  name: 'alpaca',
  withInput:
    'Below is an instruction that describes a task, paired with an input that provides further context. ' +
    'Write a response that appropriately completes the request.\n\n' +
    '### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n',
  withoutInput:
    'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n' +
    '### Instruction:\n{instruction}\n\n### Response:\n',
  responseSplit: '### Response:',
};

/** The same layout with a Chinese preamble, for models tuned on Chinese instructions. */
export const alpacaChineseTemplate: PromptTemplate = {
  name: 'alpaca-zh',
  withInput:
    '下面是一条描述任务的指令，以及一段提供更多背景的输入。请写出恰当完成该请求的回答。\n\n' +
    '### 指令:\n{instruction}\n\n### 输入:\n{input}\n\n### 回答:\n',
  withoutInput:
    '下面是一条描述任务的指令。请写出恰当完成该请求的回答。\n\n### 指令:\n{instruction}\n\n### 回答:\n',
  responseSplit: '### 回答:',
};

/** Templates by name, for `--template` options. */
export const promptTemplates: Readonly<Record<string, PromptTemplate>> = {
  alpaca: alpacaTemplate,
  'alpaca-zh': alpacaChineseTemplate,
};

/** The prompt for `record` (its `output` is not included); a non-empty `input` selects the input variant. */
export function formatPrompt(
  record: Omit<AlpacaRecord, 'output'>,
  template: PromptTemplate = alpacaTemplate,
): string {
  const hasInput = record.input !== undefined && record.input.trim() !== '';
  const pattern = hasInput ? template.withInput : template.withoutInput;
  // Replace both fields in one pass so braces inside the instruction are never re-expanded.
  return pattern.replace(/\{(instruction|input)\}/g, (_match, field: string) =>
    field === 'instruction' ? record.instruction : (record.input ?? ''),
  );
}

/** The response part of a generated text: everything after the template's response marker, trimmed. */
export function extractResponse(text: string, template: PromptTemplate = alpacaTemplate): string {
  const index = text.lastIndexOf(template.responseSplit);
  return (index < 0 ? text : text.slice(index + template.responseSplit.length)).trim();
}

/** A Jinja string literal for `text` (JSON's escapes are valid in Jinja: `\n`, `\"`, `\\`, `\uXXXX`). */
const literal = (text: string) => JSON.stringify(text);

/** `pattern` as a Jinja expression, `{instruction}` / `{input}` replaced by the namespace's fields. */
function patternExpression(pattern: string): string {
  return pattern
    .split(/(\{instruction\}|\{input\})/)
    .filter((part) => part !== '')
    .map((part) =>
      part === '{instruction}' ? 'ns.instruction' : part === '{input}' ? 'ns.input' : literal(part),
    )
    .join(' + ');
}

/**
 * The Jinja `chat_template` (Hugging Face's `tokenizer_config.json` convention, read by transformers, vLLM and
 * llama.cpp) that renders a conversation exactly as {@link formatPrompt} lays out what a model was tuned on:
 * `bos_token`, then the prompt whose instruction is the last user turn and whose `input` holds the system text
 * and earlier turns (`role: content` lines). A final assistant turn is rendered as the response plus
 * `eos_token`, as in training. Only tags and expressions: no template text that whitespace control could alter.
 */
export function toChatTemplate(template: PromptTemplate): string {
  return [
    `{#- ${template.name} prompt template (lawgpt) -#}`,
    "{%- set ns = namespace(input='', instruction='', answer=none, turns=messages) -%}",
    "{%- if messages | length > 1 and messages[-1]['role'] == 'assistant' -%}",
    "{%- set ns.answer = messages[-1]['content'] -%}{%- set ns.turns = messages[:-1] -%}",
    '{%- endif -%}',
    '{%- for message in ns.turns -%}',
    "{%- if loop.last -%}{%- set ns.instruction = message['content'] -%}",
    "{%- else -%}{%- set line = message['content'] if message['role'] == 'system' else message['role'] + ': ' + message['content'] -%}",
    "{%- set ns.input = line if loop.first else ns.input + '\\n' + line -%}",
    '{%- endif -%}',
    '{%- endfor -%}',
    '{{- bos_token -}}',
    "{%- if ns.input | trim != '' -%}",
    `{{- ${patternExpression(template.withInput)} -}}`,
    '{%- else -%}',
    `{{- ${patternExpression(template.withoutInput)} -}}`,
    '{%- endif -%}',
    '{%- if ns.answer is not none -%}{{- ns.answer + eos_token -}}{%- endif -%}',
  ].join('\n');
}
