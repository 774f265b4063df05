import { DataGenParseError } from './errors.js';

/** A seed (or generated) task: one instruction with one input/output instance. */
export interface SeedTask {
  id?: string;
  instruction: string;
  input: string;
  output: string;
}

interface RawSeed {
  id?: unknown;
  instruction?: unknown;
  input?: unknown;
  output?: unknown;
  instances?: { input?: unknown; output?: unknown }[];
}

/**
 * Parse seed tasks JSONL. Accepts Stanford Alpaca's seed format
 * `{id, name, instruction, instances: [{input, output}], is_classification}` (first instance used) and flat
 * `{instruction, input, output}` records. A line without an instruction or output throws naming the line.
 */
export function parseSeedTasks(text: string, options: { path?: string } = {}): SeedTask[] {
  const path = options.path ?? '<string>';
  const tasks: SeedTask[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let raw: RawSeed;
    try {
      raw = JSON.parse(line) as RawSeed;
    } catch (error) {
      throw new DataGenParseError({
        path,
        line: index + 1,
        message: `malformed JSON: ${(error as Error).message}`,
      });
    }
    const instance = Array.isArray(raw.instances) ? raw.instances[0] : raw;
    if (typeof raw.instruction !== 'string' || !raw.instruction.trim()) {
      throw new DataGenParseError({
        path,
        line: index + 1,
        field: 'instruction',
        message: 'expected a non-empty string',
      });
    }
    if (!instance || typeof instance.output !== 'string') {
      throw new DataGenParseError({
        path,
        line: index + 1,
        field: raw.instances ? 'instances[0].output' : 'output',
        message: 'expected a string',
      });
    }
    const task: SeedTask = {
      instruction: raw.instruction.trim(),
      input: typeof instance.input === 'string' ? instance.input.trim() : '',
      output: instance.output.trim(),
    };
    if (raw.id !== undefined) task.id = String(raw.id);
    tasks.push(task);
  });
  return tasks;
}

/** Placeholder written for an empty input, as Alpaca's `<noinput>`. */
export const NO_INPUT = '<无输入>';

const REQUIREMENTS = [
  '你需要为一个中文法律大模型构造多样化的任务指令，每条任务包括指令、输入和输出。要求如下：',
  '1. 不要重复相同的动词和句式，指令的表达方式要尽量多样。',
  '2. 任务类型要多样，例如法律咨询、法条解释、案例分析、罪名判断、文书写作、概念辨析、改写与摘要等。',
  '3. 指令必须能由纯文本语言模型完成，不要要求生成或读取图片、音频、视频、文件或网页链接。',
  '4. 指令使用中文，一到两句话即可，可以是祈使句，也可以是问句。',
  '5. 需要时为指令写一段具体的输入（如案情、合同条款、法条原文），长度适中；不需要输入时写“<无输入>”。',
  '6. 输出应当准确、完整、符合中国现行法律，长度适中。',
  '',
  '任务列表：',
];

/** Options of {@link buildSelfInstructPrompt}. */
export interface SelfInstructPromptOptions {
  /** Example tasks shown first (k sampled seeds). */
  examples: SeedTask[];
  /** Total numbered tasks the teacher should complete the list to. Default 20. */
  count?: number;
  /** Replaces the Chinese requirement lines. */
  requirements?: string[];
}

/** The numbered-list prompt: requirements, k examples as `###\nN. 指令：…`, then `N+1. 指令：` to continue. */
export function buildSelfInstructPrompt(options: SelfInstructPromptOptions): string {
  const { examples, count = 20, requirements = REQUIREMENTS } = options;
  const lines = [...requirements, ''];
  examples.forEach((task, index) => {
    const number = index + 1;
    lines.push(
      '###',
      `${number}. 指令：${task.instruction}`,
      `${number}. 输入：`,
      task.input || NO_INPUT,
      `${number}. 输出：`,
      task.output,
    );
  });
  lines.push('###', `${examples.length + 1}. 指令：`);
  return `${lines.join('\n')}\n\n（请继续写出第${examples.length + 1}到第${Math.max(count, examples.length + 1)}条任务，格式同上，每条之间用###分隔。）`;
}

/** A task parsed from the teacher's numbered output (before filtering). */
export interface ParsedTask {
  instruction: string;
  input: string;
  output: string;
  /** The task's number in the list. */
  number: number;
}

/**
 * Parse the teacher's continuation of the list. The response continues after `N. 指令：`, so it is read as
 * if prefixed with it; blocks are split on `###`, each on `M. 指令/输入/输出：`. Blocks missing a part are
 * returned in `malformed`. When `finishReason` is `length`, the last block is cut off and returned in
 * `truncated`.
 */
export function parseNumberedTasks(
  response: string,
  options: { firstNumber: number; finishReason?: string | null },
): { tasks: ParsedTask[]; malformed: number; truncated: number } {
  const { firstNumber, finishReason } = options;
  const text = /^\s*\d+\s*[.．、]\s*指令/.test(response) ? response : `${firstNumber}. 指令：${response}`;
  const blocks = text.split(/^\s*#{3,}\s*$/m).filter((block) => block.trim());
  let truncated = 0;
  if (finishReason === 'length' && blocks.length > 0) {
    blocks.pop();
    truncated = 1;
  }
  const tasks: ParsedTask[] = [];
  let malformed = 0;
  for (const block of blocks) {
    const parts = block.split(/^\s*(\d+)\s*[.．、]\s*(指令|输入|输出)\s*[:：]/m);
    // parts: [before, number, label, body, number, label, body, …]
    const fields: Record<string, string> = {};
    let number = Number.NaN;
    for (let index = 1; index + 2 < parts.length; index += 3) {
      number = Number(parts[index]);
      fields[parts[index + 1]] = (parts[index + 2] ?? '').trim();
    }
    if (fields.指令 === undefined || fields.输出 === undefined || !fields.指令) {
      malformed++;
      continue;
    }
    const input = fields.输入 ?? '';
    tasks.push({
      instruction: fields.指令.replace(/\s+/g, ' ').trim(),
      input: input === NO_INPUT || /^<?无输入>?$|^（?无）?$/.test(input) ? '' : input,
      output: fields.输出,
      number,
    });
  }
  return { tasks, malformed, truncated };
}
