import type { RetrievedArticle } from './article-retriever.js';
import type { ChatMessage } from './chat-client.js';
import { formatArticleLabel, parseChineseNumeral } from './chinese-numeral.js';
import type { ExamQuestion } from './exam-questions.js';
import type { KnowledgeBase } from './knowledge-base.js';

/** The instruction of an exam record: the task line, the question and its lettered options. */
export function formatExamInstruction(question: ExamQuestion): string {
  const kind = question.multipleChoice ? '多项选择题（可能有多个正确选项）' : '单项选择题';
  const options = Object.entries(question.options).map(([letter, text]) => `${letter}. ${text}`);
  return [
    `以下是中国法律职业资格考试的${kind}，请选出正确答案并说明理由。`,
    question.question,
    ...options,
  ].join('\n');
}

/** `《中华人民共和国刑法》第一百三十三条之一` for an article. */
export function articleCitation(article: { law: string; number: number; suffix: number }): string {
  return `《${article.law}》${formatArticleLabel(article.number, article.suffix)}`;
}

/**
 * The teacher-free explanation: the answer letters, the retrieved articles quoted in full, and the answer with
 * its option text. Each article's text is cut at `maxArticleChars` (with `……`).
 */
export function statuteExplanation(
  question: ExamQuestion,
  articles: RetrievedArticle[],
  maxArticleChars = 400,
): string {
  const letters = question.answer.join('');
  const quoted = articles.map(({ article }) => {
    const text =
      article.text.length > maxArticleChars ? `${article.text.slice(0, maxArticleChars)}……` : article.text;
    return `${articleCitation(article)}规定：${text}`;
  });
  const chosen = question.answer.map((letter) => `${letter}（${question.options[letter]}）`).join('、');
  return [
    `答案：${letters}`,
    '解析：本题涉及以下法条。',
    ...quoted,
    `结合上述规定，本题应选${chosen}。`,
  ].join('\n');
}

/** The messages asking a teacher to explain the known answer; `articles` are offered as references. */
export function examTeacherMessages(question: ExamQuestion, articles: RetrievedArticle[]): ChatMessage[] {
  const references = articles.map(({ article }) => `${articleCitation(article)}：${article.text}`);
  const user = [
    formatExamInstruction(question),
    `参考答案：${question.answer.join('')}`,
    ...(references.length ? ['可能相关的法条（仅供参考，不相关的请忽略）：', ...references] : []),
  ].join('\n');
  return [
    {
      role: 'system',
      content: [
        '你是中国法律职业资格考试的辅导老师。给你一道选择题和它的参考答案，请逐项分析每个选项对错的理由，',
        '引用法条时写明《法律名称》第X条，不要编造法条。最后单独一行写“答案：”加正确选项字母（如“答案：B”或“答案：ACD”）。',
      ].join(''),
    },
    { role: 'user', content: user },
  ];
}

/** The letters an explanation states as its answer (the last `答案：X` line, else the last `选X`), sorted; undefined if none. */
export function statedAnswer(text: string): string[] | undefined {
  const explicit = [
    ...text.matchAll(/答案\s*(?:是|为)?\s*[:：]?\s*[（(]?([A-Ha-h](?:[、，,\s]*[A-Ha-h])*)(?![A-Za-z])/g),
  ];
  const chosen = explicit.length
    ? explicit
    : [...text.matchAll(/(?:应|故|本题)选\s*([A-H](?:[、，,\s]*[A-H])*)(?![A-Za-z])/g)];
  const last = chosen.at(-1)?.[1];
  if (!last) return undefined;
  return [...new Set(last.toUpperCase().replace(/[^A-H]/g, ''))].sort();
}

/** True when an explanation states an answer and it differs from the key. */
export function contradictsAnswer(stated: string[], answer: string[]): boolean {
  return stated.join('') !== [...answer].sort().join('');
}

const CITATION =
  /《([^》]{2,60})》\s*第([零〇一二两三四五六七八九十百千万\d]+)条(?:之([一二三四五六七八九十]+))?/g;

/**
 * Articles a text cites as `《法律名称》第X条(之Y)`: the law resolved to its full title when the knowledge base
 * knows it (else as written) and the label normalised (`第133条` → `第一百三十三条`); each citation once, in order.
 */
export function citedArticles(
  text: string,
  knowledgeBase?: KnowledgeBase,
): { law: string; article: string }[] {
  const seen = new Set<string>();
  const citations: { law: string; article: string }[] = [];
  for (const match of text.matchAll(CITATION)) {
    let number: number;
    try {
      number = parseChineseNumeral(match[2]);
    } catch {
      continue; // a mixed form such as 第1百条 is not a citation we can normalise
    }
    if (!Number.isFinite(number) || number <= 0) continue;
    const law = knowledgeBase?.resolveLaw(match[1]) ?? match[1];
    const article = formatArticleLabel(number, match[3] ? parseChineseNumeral(match[3]) : 0);
    const key = `${law}\u0000${article}`;
    if (seen.has(key)) continue;
    seen.add(key);
    citations.push({ law, article });
  }
  return citations;
}

/** The teacher's explanation as a record output: `答案：X`, then `解析：` and the reply without its closing answer line. */
export function teacherOutput(reply: string, answer: string[]): string {
  const body = reply
    .trim()
    .replace(/\n?[^\n]*答案\s*(?:是|为)?\s*[:：]?\s*[A-H、，,\s]+[。.]?\s*$/, '')
    .trim();
  return `答案：${answer.join('')}\n解析：${body}`;
}
