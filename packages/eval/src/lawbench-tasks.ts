/** The 20 LawBench task ids, in the order of the published tables. */
export const LAWBENCH_TASKS = [
  '1-1',
  '1-2',
  '2-1',
  '2-2',
  '2-3',
  '2-4',
  '2-5',
  '2-6',
  '2-7',
  '2-8',
  '2-9',
  '2-10',
  '3-1',
  '3-2',
  '3-3',
  '3-4',
  '3-5',
  '3-6',
  '3-7',
  '3-8',
] as const;

/** A LawBench task id such as `'3-3'`. */
export type LawBenchTaskId = (typeof LAWBENCH_TASKS)[number];

/** Cognitive level of a task: the number before the dash. */
export type CognitiveLevel = 'memorization' | 'understanding' | 'applying';

/** Static facts about one task. */
export interface LawBenchTaskInfo {
  id: LawBenchTaskId;
  /** Chinese task name. */
  name: string;
  /** English task name. */
  title: string;
  level: CognitiveLevel;
  /** Metric name as in the upstream README. */
  metric: string;
}

const INFO: Array<[LawBenchTaskId, string, string, string]> = [
  ['1-1', '法条背诵', 'Article Recitation', 'ROUGE-L'],
  ['1-2', '知识问答', 'Knowledge QA', 'Accuracy'],
  ['2-1', '文件校对', 'Document Proofreading', 'F0.5'],
  ['2-2', '纠纷焦点识别', 'Dispute Focus Identification', 'Accuracy'],
  ['2-3', '婚姻纠纷鉴定', 'Marital Disputes Identification', 'F1'],
  ['2-4', '问题主题识别', 'Issue Topic Identification', 'Accuracy'],
  ['2-5', '阅读理解', 'Reading Comprehension', 'rc-F1'],
  ['2-6', '命名实体识别', 'Named Entity Recognition', 'soft-F1'],
  ['2-7', '舆情摘要', 'Opinion Summarization', 'ROUGE-L'],
  ['2-8', '论点挖掘', 'Argument Mining', 'Accuracy'],
  ['2-9', '事件检测', 'Event Detection', 'F1'],
  ['2-10', '触发词提取', 'Trigger Word Extraction', 'soft-F1'],
  ['3-1', '法条预测(事实)', 'Fact-based Article Prediction', 'F1'],
  ['3-2', '法条预测(场景)', 'Scene-based Article Prediction', 'ROUGE-L'],
  ['3-3', '罪名预测', 'Charge Prediction', 'F1'],
  ['3-4', '刑期预测(无法条)', 'Prison Term Prediction w/o Article', 'Normalized log-distance'],
  ['3-5', '刑期预测(有法条)', 'Prison Term Prediction w/ Article', 'Normalized log-distance'],
  ['3-6', '案例分析', 'Case Analysis', 'Accuracy'],
  ['3-7', '犯罪金额计算', 'Criminal Damages Calculation', 'Accuracy'],
  ['3-8', '咨询', 'Consultation', 'ROUGE-L'],
];

const LEVELS: Record<string, CognitiveLevel> = { '1': 'memorization', '2': 'understanding', '3': 'applying' };

/** Facts about every task, keyed by id. */
export const LAWBENCH_TASK_INFO: Record<LawBenchTaskId, LawBenchTaskInfo> = Object.fromEntries(
  INFO.map(([id, name, title, metric]) => [id, { id, name, title, metric, level: LEVELS[id[0]] }]),
) as Record<LawBenchTaskId, LawBenchTaskInfo>;

/** True when `id` is one of the 20 task ids. */
export function isLawBenchTask(id: string): id is LawBenchTaskId {
  return (LAWBENCH_TASKS as readonly string[]).includes(id);
}
