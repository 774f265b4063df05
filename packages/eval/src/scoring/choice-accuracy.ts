import { codePoints } from '../internal/python-text.js';
import type { LawBenchPrediction } from '../lawbench-predictions.js';
import { mean, type ScorerContext, type TaskScore } from './task-score.js';

/** Outcome of option-presence judging for one answer. */
export interface ChoiceJudgement {
  correct: boolean;
  abstained: boolean;
}

/**
 * LawBench's option-presence rule: an option is "chosen" when it occurs anywhere in the raw output;
 * correct only when exactly one option occurs and it is the gold one; none → abstention.
 */
export function judgeChoice(prediction: string, options: readonly string[], gold: string): ChoiceJudgement {
  let present = 0;
  let goldPresent = false;
  for (const option of options) {
    if (prediction.includes(option)) {
      present += 1;
      if (option === gold) goldPresent = true;
    }
  }
  if (present === 0) return { correct: false, abstained: true };
  return { correct: present === 1 && goldPresent, abstained: false };
}

function scoreChoices(
  items: LawBenchPrediction[],
  options: readonly string[],
  goldOf: (answer: string) => string,
  skip: (gold: string) => boolean = () => false,
): TaskScore {
  const scores: number[] = [];
  let abstained = 0;
  for (const item of items) {
    const gold = goldOf(item.refr);
    if (skip(gold)) continue;
    const judgement = judgeChoice(item.prediction, options, gold);
    if (judgement.abstained) abstained += 1;
    scores.push(judgement.correct ? 1 : 0);
  }
  return { score: mean(scores), abstentionRate: abstained / items.length, n: items.length };
}

const ABCD = ['A', 'B', 'C', 'D'];

/** 1-2 JEC-QA knowledge: gold = answer[5] (`正确答案：X。`). */
export function scoreKnowledgeQa(items: LawBenchPrediction[]): TaskScore {
  return scoreChoices(items, ABCD, (answer) => codePoints(answer)[5] ?? '');
}

/** 3-6 JEC-QA case analysis: gold = answer[5] (`正确答案:X。`). */
export function scoreCaseAnalysis(items: LawBenchPrediction[]): TaskScore {
  return scoreChoices(items, ABCD, (answer) => codePoints(answer)[5] ?? '');
}

/** 2-8 argument mining: options A–E, gold = answer[6] (`[正确答案]X<eoa>`). */
export function scoreArgumentMining(items: LawBenchPrediction[]): TaskScore {
  return scoreChoices(items, ['A', 'B', 'C', 'D', 'E'], (answer) => codePoints(answer)[6] ?? '');
}

/** 2-2 dispute focus: 16 labels, gold = answer[7:-1]; items with gold `赔偿` are skipped (abstention still / all items). */
export function scoreDisputeFocus(items: LawBenchPrediction[], context: ScorerContext): TaskScore {
  return scoreChoices(
    items,
    context.labels['2-2'],
    (answer) => codePoints(answer).slice(7, -1).join(''),
    (gold) => gold === '赔偿',
  );
}

/** 2-4 issue topic: 20 labels, gold = the whole answer. */
export function scoreIssueTopic(items: LawBenchPrediction[], context: ScorerContext): TaskScore {
  return scoreChoices(items, context.labels['2-4'], (answer) => answer);
}
