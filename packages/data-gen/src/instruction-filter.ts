/** Why a generated task was not kept. */
export type RejectReason =
  | 'too_short'
  | 'too_long'
  | 'blacklist'
  | 'program'
  | 'punctuation_start'
  | 'empty_output'
  | 'similar'
  | 'malformed'
  | 'truncated'
  | 'request_failed';

/** Words that mark tasks a text-only model cannot do (images, audio, files, links, drawing). */
export const DEFAULT_BLACKLIST = [
  '图片',
  '图像',
  '照片',
  '图表',
  '示意图',
  '流程图',
  '绘制',
  '画一',
  '画出',
  '视频',
  '音频',
  '音乐',
  '录音',
  '地图',
  '文件',
  '附件',
  '链接',
  '网址',
  '网页',
  '上传',
  '下载',
  'image',
  'picture',
  'video',
  'audio',
];

/** Options of {@link filterTask}. */
export interface TaskFilterOptions {
  /** Minimum instruction length in characters (not words). Default 6. */
  minInstructionChars?: number;
  /** Maximum instruction length in characters. Default 300. */
  maxInstructionChars?: number;
  /** Maximum output length in characters. Default 4,000. */
  maxOutputChars?: number;
  blacklist?: string[];
}

/**
 * Chinese-aware heuristic filters (Alpaca's, adapted): lengths in characters; a blacklist of words for tasks
 * a text model cannot do; no "write a program" tasks; no instruction starting with punctuation; a non-empty
 * output. Alpaca's "first character is not ASCII" rule is deliberately absent. Returns the reason or undefined.
 */
export function filterTask(
  task: { instruction: string; input: string; output: string },
  options: TaskFilterOptions = {},
): RejectReason | undefined {
  const {
    minInstructionChars = 6,
    maxInstructionChars = 300,
    maxOutputChars = 4000,
    blacklist = DEFAULT_BLACKLIST,
  } = options;
  const instruction = task.instruction.trim();
  const length = [...instruction].length;
  if (length < minInstructionChars) return 'too_short';
  if (length > maxInstructionChars) return 'too_long';
  const lower = instruction.toLowerCase();
  if (blacklist.some((word) => lower.includes(word.toLowerCase()))) return 'blacklist';
  if (/^(编写|写)(一个|一段)?(程序|代码|脚本)|^write a program/i.test(instruction)) return 'program';
  if (/^[\p{P}\p{S}]/u.test(instruction)) return 'punctuation_start';
  const output = task.output.trim();
  if (!output || output === '<无输入>') return 'empty_output';
  if ([...output].length > maxOutputChars) return 'too_long';
  return undefined;
}
