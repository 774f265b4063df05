import { annotateEdits, compareEdits, fScore } from '../cherrant/annotate.js';
import { loadCherrantResources } from '../cherrant/resources.js';
import { codePoints } from '../internal/python-text.js';
import { type LawBenchPrediction, promptText } from '../lawbench-predictions.js';
import type { ScorerContext, TaskScore } from './task-score.js';

const MARKER = '句子：\n';

/** The sentence to proofread: the first line after `句子：\n` in the prompt, without `\n`/`\t`. */
export function proofreadingSource(prompt: string): string {
  const at = prompt.indexOf(MARKER);
  const start = at === -1 ? 3 : at + MARKER.length;
  return prompt
    .slice(start)
    .split('\n')[0]
    .replace(/[\n\t]/g, '');
}

/** The prediction as LawBench hands it to ChERRANT: no `\n`/`\t`, at most len(answer)+5 characters, `无内容` if empty. */
export function proofreadingHypothesis(prediction: string, answer: string): string {
  let text = prediction.replace(/[\n\t]/g, '');
  const chars = codePoints(text);
  const answerLength = codePoints(answer).length;
  if (chars.length - answerLength > 5) text = chars.slice(0, answerLength + 5).join('');
  if (text.length === 0) text = '无内容';
  // ChERRANT reads its parallel file in text mode: a carriage return ends the line there.
  return text.split('\r')[0];
}

/** 2-1 proofreading: ChERRANT char-level span F0.5 over the corpus, rounded to 4 decimals. */
export async function scoreProofreading(
  items: LawBenchPrediction[],
  context: ScorerContext,
): Promise<TaskScore> {
  const resources = await loadCherrantResources(context.scorerDataDir);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const item of items) {
    const source = proofreadingSource(promptText(item)).split('\r')[0];
    const reference = item.refr.replace(/[\n\t]/g, '').split('\r')[0];
    const hypothesis = proofreadingHypothesis(item.prediction, item.refr);
    const counts = compareEdits(
      annotateEdits(source, hypothesis, resources),
      annotateEdits(source, reference, resources),
    );
    tp += counts.tp;
    fp += counts.fp;
    fn += counts.fn;
  }
  return { score: fScore(tp, fp, fn).f, abstentionRate: 0, n: items.length };
}
