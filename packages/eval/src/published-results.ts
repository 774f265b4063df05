import { EvalFileError } from './errors.js';
import { readText } from './internal/read-text.js';

/** One row of LawBench's `results_{zero,one}_shot.csv`. */
export interface PublishedResult {
  task: string;
  model: string;
  score: number;
  abstentionRate: number;
}

/** Read a published results csv (`task,model_name,score,abstention_rate`). */
export async function readPublishedResults(path: string): Promise<PublishedResult[]> {
  const text = await readText(path, 'published results csv');
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]?.split(',');
  if (header?.join(',') !== 'task,model_name,score,abstention_rate') {
    throw new EvalFileError(
      `${path}: header is "${lines[0]}", expected "task,model_name,score,abstention_rate"`,
      path,
      1,
    );
  }
  return lines.slice(1).map((line, index) => {
    const [task, model, score, abstention] = line.split(',');
    const row = { task, model, score: Number(score), abstentionRate: Number(abstention) };
    if (!model || Number.isNaN(row.score) || Number.isNaN(row.abstentionRate)) {
      throw new EvalFileError(`${path}:${index + 2}: malformed row "${line}"`, path, index + 2);
    }
    return row;
  });
}

/** Published scores of one model, keyed by task id. */
export function publishedScores(rows: PublishedResult[], model: string): Record<string, PublishedResult> {
  return Object.fromEntries(rows.filter((row) => row.model === model).map((row) => [row.task, row]));
}
