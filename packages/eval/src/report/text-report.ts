import { LAWBENCH_TASK_INFO, LAWBENCH_TASKS } from '../lawbench-tasks.js';
import type { LawBenchResults } from '../score-lawbench.js';
import { pct } from './lawbench-report.js';

/**
 * A plain-text table for a terminal: one row per scored task (score and abstention ×100, item count, task
 * name) in LawBench's order, then the level averages, the overall average with its task count, and the tasks
 * that had no predictions. Our results only; the markdown, html and csv reports compare with published models.
 */
export function renderTextReport(results: LawBenchResults): string {
  const lines = ['task  score   abstention  n    name'];
  for (const task of LAWBENCH_TASKS) {
    const result = results.tasks[task];
    if (!result) continue;
    const [score, abstention] = [result.score, result.abstentionRate].map((value) => pct(value).padStart(6));
    const name = LAWBENCH_TASK_INFO[task].name;
    lines.push(`${task.padEnd(5)} ${score}  ${abstention}     ${String(result.n).padEnd(4)} ${name}`);
  }
  for (const [level, value] of Object.entries(results.levels)) lines.push(`${level} average: ${pct(value)}`);
  lines.push(`average: ${pct(results.average)} over ${Object.keys(results.tasks).length} tasks`);
  if (results.missing.length) lines.push(`no predictions for: ${results.missing.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
