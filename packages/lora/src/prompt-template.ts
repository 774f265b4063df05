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
