export { type JiebaCutOptions, jiebaCut } from '@lawgpt/common';
export { cn2anTransform } from './cn2an/transform.js';
export type { DiscAccuracy, DiscQuestion, DiscResults, RunDiscOptions } from './disc-law-eval.js';
export {
  discPrompt,
  extractChoice,
  readDiscQuestions,
  renderDiscMarkdown,
  runDiscLawEval,
  scoreDisc,
} from './disc-law-eval.js';
export {
  EvalEndpointError,
  EvalError,
  EvalFileError,
  EvalOptionError,
  ScoreExpectationError,
} from './errors.js';
export type { ScoreBound, ScoreExpectations } from './expect-scores.js';
export { expectScores } from './expect-scores.js';
export type { LawBenchItem, LawBenchPrediction } from './lawbench-predictions.js';
export {
  promptText,
  readPredictionFile,
  readTaskData,
  writePredictionFile,
} from './lawbench-predictions.js';
export type { CognitiveLevel, LawBenchTaskId, LawBenchTaskInfo } from './lawbench-tasks.js';
export { isLawBenchTask, LAWBENCH_TASK_INFO, LAWBENCH_TASKS } from './lawbench-tasks.js';
export type { PerplexityOptions, PerplexityResult } from './perplexity.js';
export { chunkText, perplexity } from './perplexity.js';
export type { PublishedResult } from './published-results.js';
export { publishedScores, readPublishedResults } from './published-results.js';
export { renderHtmlReport } from './report/html-report.js';
export type {
  LawBenchComparison,
  ReportAverage,
  ReportColumn,
  ReportOptions,
} from './report/lawbench-comparison.js';
export { compareLawBench } from './report/lawbench-comparison.js';
export { renderCsvReport, renderJsonReport, renderMarkdownReport } from './report/lawbench-report.js';
export { renderTextReport } from './report/text-report.js';
export type { OpenAiGeneratorOptions } from './runner/openai-generator.js';
export { openAiGenerator } from './runner/openai-generator.js';
export type { RunLawBenchOptions, RunLawBenchResult, RunProgress } from './runner/run-lawbench.js';
export { lawBenchPrompt, runLawBench } from './runner/run-lawbench.js';
export type { GenerateOptions, TextGenerator, TextScorer } from './runner/text-generator.js';
export type { LawBenchResults, LawBenchTaskResult, ScoreLawBenchOptions } from './score-lawbench.js';
export { loadLabelLists, scoreLawBench, summarize } from './score-lawbench.js';
export { charF1 } from './scoring/char-f1.js';
export { lawbenchRougeL } from './scoring/rouge-l.js';
export type { TaskScore } from './scoring/task-score.js';
export { TASK_SCORERS } from './scoring/task-scorers.js';
