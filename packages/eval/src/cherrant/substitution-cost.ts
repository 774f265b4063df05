import type { CharToken } from './char-tokens.js';
import type { CherrantResources } from './resources.js';

const ALIGN_PUNCT =
  "！？｡＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～｟｠｢｣､、〃》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟〰〾〿–—‘'‛“”„‟…‧﹏" +
  '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export function allChinese(word: string): boolean {
  for (const ch of word) if (ch < '\u4e00' || ch > '\u9fff') return false;
  return true;
}

/** Substitution cost at char level: cilin semantic cost / 6 + character cost + punctuation cost. */
export function substitutionCost(a: CharToken, b: CharToken, resources: CherrantResources): number {
  if (a.text === b.text) return 0;
  const semanticCost = semanticDistance(a.text, b.text, resources) / 6.0;
  const aPunct = ALIGN_PUNCT.includes(a.text);
  const bPunct = ALIGN_PUNCT.includes(b.text);
  const punctCost = aPunct && bPunct ? 0.0 : !aPunct && !bPunct ? 0.25 : 0.499;
  return semanticCost + characterCost(a, b, resources) + punctCost;
}

function semanticDistance(a: string, b: string, resources: CherrantResources): number {
  const codeA = resources.semantic.get(a);
  const codeB = resources.semantic.get(b);
  if (codeA === undefined || codeB === undefined) return 4;
  const classA = [codeA[0], codeA[1], codeA.slice(2, 4)];
  const classB = [codeB[0], codeB[1], codeB.slice(2, 4)];
  const same = classA.filter((part, index) => part === classB[index]).length;
  return same === 3 ? 0 : 2 * (3 - same);
}

function characterCost(first: CharToken, second: CharToken, resources: CherrantResources): number {
  let a = first;
  let b = second;
  if (!(allChinese(a.text) && allChinese(b.text))) return 0.5;
  if (Array.from(a.text).length > Array.from(b.text).length) [a, b] = [b, a];
  if (a.text === b.text) return 0;
  const aChars = Array.from(a.text);
  const bChars = Array.from(b.text);
  const shareReading = a.readings.some((reading) => b.readings.includes(reading));
  let count = 0;
  for (const ca of aChars) {
    for (const cb of bChars) {
      if (
        ca === cb ||
        shareReading ||
        resources.confusion.get(cb)?.has(ca) === true ||
        resources.confusion.get(ca)?.has(cb) === true
      ) {
        count += 1;
        break;
      }
    }
  }
  return (aChars.length - count) / (aChars.length * 2);
}

/** Per-character facts the substitution cost needs, computed once per character of a sentence pair. */
interface CharacterFacts {
  token: CharToken;
  chinese: boolean;
  punct: boolean;
  code: string | undefined;
}

/** Substitution costs of one sentence pair, computed once per distinct character pair. */
export function substitutionTable(src: CharToken[], tgt: CharToken[], resources: CherrantResources) {
  const ids = new Map<string, number>();
  const facts: CharacterFacts[] = [];
  const idOf = (token: CharToken) => {
    let id = ids.get(token.text);
    if (id === undefined) {
      id = ids.size;
      ids.set(token.text, id);
      const text = token.text;
      facts.push({
        token,
        chinese: allChinese(text),
        punct: ALIGN_PUNCT.includes(text),
        code: resources.semantic.get(text),
      });
    }
    return id;
  };
  const srcIds = src.map(idOf);
  const tgtIds = tgt.map(idOf);
  const size = ids.size;
  const table = new Float64Array(size * size).fill(Number.NaN);
  return (i: number, j: number): number => {
    const slot = srcIds[i] * size + tgtIds[j];
    let value = table[slot];
    if (Number.isNaN(value)) {
      value = pairCost(facts[srcIds[i]], facts[tgtIds[j]], resources);
      table[slot] = value;
    }
    return value;
  };
}

function pairCost(a: CharacterFacts, b: CharacterFacts, resources: CherrantResources): number {
  if (a.token.text.length > 2 || b.token.text.length > 2)
    return substitutionCost(a.token, b.token, resources);
  let semantic = 4;
  if (a.code !== undefined && b.code !== undefined) {
    const same =
      (a.code[0] === b.code[0] ? 1 : 0) +
      (a.code[1] === b.code[1] ? 1 : 0) +
      (a.code.slice(2, 4) === b.code.slice(2, 4) ? 1 : 0);
    semantic = same === 3 ? 0 : 2 * (3 - same);
  }
  const punctCost = a.punct && b.punct ? 0.0 : !a.punct && !b.punct ? 0.25 : 0.499;
  let characterCost = 0.5;
  if (a.chinese && b.chinese) {
    const x = a.token.text;
    const y = b.token.text;
    const similar =
      a.token.readings.some((reading) => b.token.readings.includes(reading)) ||
      resources.confusion.get(y)?.has(x) === true ||
      resources.confusion.get(x)?.has(y) === true;
    characterCost = similar ? 0 : 0.5;
  }
  return semantic / 6.0 + characterCost + punctCost;
}
