import { cn2anTransform } from '../cn2an/transform.js';
import { pyNumber } from '../internal/python-text.js';
import type { LawBenchPrediction } from '../lawbench-predictions.js';
import { setF1 } from './set-f1.js';
import { mean, type TaskScore } from './task-score.js';

const CLAUSE = /第([^\n]*?)款/gu;
const ARTICLE = /第([^\n]*?)条/gu;
const FIRST_NUMBER = /\p{Nd}+/u;

/** Article numbers LawBench's 3-1 scorer extracts from a prediction (one per `、`-separated chunk at most). */
export function extractArticles(prediction: string): Set<number> {
  const articles = new Set<number>();
  for (const raw of prediction.split('、')) {
    let chunk = raw.replaceAll('万元', '元').replace(CLAUSE, '').replace(ARTICLE, '$1');
    chunk = cn2anTransform(chunk);
    const match = FIRST_NUMBER.exec(chunk);
    if (match) articles.add(pyNumber(match[0]));
  }
  return articles;
}

/** 3-1 fact-based article prediction: article set-F1 per item, averaged; no article → abstention. */
export function scoreArticlePrediction(items: LawBenchPrediction[]): TaskScore {
  const scores: number[] = [];
  let abstained = 0;
  for (const item of items) {
    const gold = new Set(
      item.refr
        .replaceAll('法条:刑法第', '')
        .replaceAll('条', '')
        .split('、')
        .map((value) => Number.parseInt(value.normalize('NFKC').trim(), 10)),
    );
    const predicted = extractArticles(item.prediction);
    if (predicted.size === 0) abstained += 1;
    scores.push(setF1(predicted, gold));
  }
  return { score: mean(scores), abstentionRate: abstained / items.length, n: items.length };
}
