import type { LawBenchTaskId } from '../lawbench-tasks.js';
import { scoreCriminalAmount } from './amount.js';
import { scoreArticlePrediction } from './article-f1.js';
import { scoreReadingComprehension } from './char-f1.js';
import {
  scoreArgumentMining,
  scoreCaseAnalysis,
  scoreDisputeFocus,
  scoreIssueTopic,
  scoreKnowledgeQa,
} from './choice-accuracy.js';
import { scoreEntityRecognition } from './entity-f1.js';
import { scorePrisonTerm } from './prison-term.js';
import { scoreProofreading } from './proofreading-f05.js';
import { scoreArticleRecitation, scoreRougeTask } from './rouge-l.js';
import { scoreChargePrediction, scoreEventDetection, scoreMaritalDisputes } from './set-f1.js';
import type { TaskScorer } from './task-score.js';
import { scoreTriggerExtraction } from './trigger-f1.js';

/** The scorer of every task. */
export const TASK_SCORERS: Record<LawBenchTaskId, TaskScorer> = {
  '1-1': scoreArticleRecitation,
  '1-2': scoreKnowledgeQa,
  '2-1': scoreProofreading,
  '2-2': scoreDisputeFocus,
  '2-3': scoreMaritalDisputes,
  '2-4': scoreIssueTopic,
  '2-5': scoreReadingComprehension,
  '2-6': scoreEntityRecognition,
  '2-7': scoreRougeTask,
  '2-8': scoreArgumentMining,
  '2-9': scoreEventDetection,
  '2-10': scoreTriggerExtraction,
  '3-1': scoreArticlePrediction,
  '3-2': scoreRougeTask,
  '3-3': scoreChargePrediction,
  '3-4': scorePrisonTerm,
  '3-5': scorePrisonTerm,
  '3-6': scoreCaseAnalysis,
  '3-7': scoreCriminalAmount,
  '3-8': scoreRougeTask,
};
