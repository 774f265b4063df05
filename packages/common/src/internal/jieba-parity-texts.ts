/**
 * Texts for the jieba parity test (test support, not exported): a seeded generator of adversarial synthetic texts,
 * and the LawBench texts of `../shared`. `scripts/jieba-golden.ts` segments the same texts with Python jieba.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 as createRandom, type Rng as Random } from '../mulberry32.js';

const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
/** A length with a long tail: mostly short, sometimes up to `max`. */
const tail = (random: Random, max: number): number => Math.max(1, Math.floor(max ** random()));
const fromRange = (random: Random, first: number, last: number): string =>
  String.fromCodePoint(int(random, first, last));

const WORDS =
  'the of and to in is was for on that with as by at from law court article case shall contract party state ' +
  'judge evidence appeal damages liability clause notice period fee tax rate data model version test node ' +
  "it's don't can't o'clock e-mail state-of-the-art well-known COVID-19 U.S. e.g. i.e. Mr. Dr. vs. etc. " +
  'PRC ICP GDP iPhone iOS WeChat Alibaba GitHub JavaScript Python3 C++ C# F# .NET x86_64 IPv6 UTF-8 B2B O2O ' +
  'AT&T R&D Q&A P2P 4S 3D A4 T恤 B超 X光 K线 Wi-Fi PM2.5 H1N1 MP3 Win10';
const ENGLISH = WORDS.split(' ');
const SYLLABLES = ['ka', 'lo', 'mi', 'tra', 'ver', 'son', 'ex', 'ing', 'tion', 'al', 'pre', 'ly', 'qu', 'zz'];
const CN_WORDS = (
  '中华人民共和国 刑法 民法典 第一百二十条 人民法院 被告人 原告 有期徒刑 罚金 人民币 合同 违约金 ' +
  '我们 他们 的 了 是 在 和 与 或者 以及 根据 规定 应当 可以 不得 依法 判处 赔偿 损失 当事人 律师 ' +
  '云 云云 哈哈 呵呵 嗯 啊 哦 喂 吧 呢 嘛 么 甲 乙 丙 丁 某 某某 张三 李四 王五 北京 上海 杭州 深圳 ' +
  '公司 有限责任公司 股份 股东 董事会 劳动合同 工伤 社保 离婚 抚养费 继承 遗嘱 房产 交通事故 醉驾 ' +
  '盗窃罪 诈骗罪 故意伤害罪 非法吸收公众存款罪 自首 立功 缓刑 拘役 管制 剥夺政治权利 没收财产'
).split(' ');
const PUNCT = [...'，。、；：？！…“”‘’（）《》【】—～·「」『』〈〉,.;:?!()[]{}<>"\'/\\|`^~@$*=_-+#&%'];
const SPACES = [
  // Every character Python's str.isspace() (and re's \s) accepts.
  ...'\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a',
  ...'\u2028\u2029\u202f\u205f\u3000',
  '\r\n',
  '\r\r\n',
  '\n\r',
  '  ',
  '\n\n',
];
/** Characters that look like spaces or joiners but are not Python whitespace. */
const NOT_SPACES = [...'\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad\u034f\u0000\u0007\u001b\u007f'];
const RUN_UNITS = [
  ...'云的了哈啊一是中国人不在有我嗯呵噢囧犇鑫淼焱垚喆',
  ...'0123456789abcxyzABZ.-_%#&+ 。，！？…～—·\t',
  ...'😀🇨🇳１Ａａ％＃',
  '云云',
  '哈哈',
  '中国',
  '人民',
  'ab',
  '12',
  '3.5',
  '1.',
  '.5',
  '-1',
  '%%',
  '云a',
  '的了',
  '。\n',
  '\r\n',
  '啊！',
];
const UNITS = [
  'kg',
  'g',
  'km',
  'm',
  'cm',
  'mm',
  'm²',
  'm³',
  'L',
  'ml',
  'h',
  's',
  'ms',
  '℃',
  '°',
  '%',
  '‰',
  '‱',
];
const CN_UNITS = [
  '元',
  '万元',
  '亿元',
  '年',
  '个月',
  '月',
  '日',
  '天',
  '小时',
  '分钟',
  '岁',
  '条',
  '款',
  '项',
  '次',
  '人',
];
const SCRIPTS: Array<[number, number]> = [
  [0x3040, 0x309f], // hiragana
  [0x30a0, 0x30ff], // katakana
  [0xac00, 0xd7a3], // hangul
  [0x0400, 0x04ff], // cyrillic
  [0x0370, 0x03ff], // greek
  [0x0600, 0x06ff], // arabic (incl. its digits)
  [0x0900, 0x097f], // devanagari (incl. its digits)
  [0x0e00, 0x0e7f], // thai
  [0x0300, 0x036f], // combining marks
  [0x3400, 0x4dbf], // CJK extension A
  [0x9fd6, 0x9fff], // CJK just past Python jieba's \u9FD5
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0x2e80, 0x2fdf], // radicals
  [0x3000, 0x303f], // CJK symbols and punctuation
  [0xff00, 0xffef], // full-width and half-width forms
  [0x2460, 0x24ff], // enclosed alphanumerics
  [0x2150, 0x218f], // number forms (Ⅻ, ½)
  [0x20000, 0x2a6df], // CJK extension B (astral)
  [0x1f300, 0x1faff], // emoji (astral)
  [0x1d400, 0x1d7ff], // mathematical alphanumerics (astral)
  [0x0080, 0x00ff], // Latin-1
  [0x0000, 0x001f], // C0 controls
  [0xd800, 0xdfff], // lone surrogates
];

function englishWord(random: Random): string {
  if (random() < 0.7) return pick(random, ENGLISH);
  let word = '';
  for (let i = int(random, 1, 4); i > 0; i--) word += pick(random, SYLLABLES);
  return random() < 0.2 ? word[0].toUpperCase() + word.slice(1) : word;
}

function number(random: Random): string {
  const whole = String(tail(random, 1e9));
  switch (int(random, 0, 9)) {
    case 0:
      return `${whole}.${int(random, 0, 999)}`;
    case 1:
      return `${whole}${pick(random, UNITS)}`;
    case 2:
      return `${whole}${pick(random, CN_UNITS)}`;
    case 3:
      return whole.replace(/\B(?=(\d{3})+$)/g, ',');
    case 4:
      return `${int(random, 1990, 2030)}-${int(random, 1990, 2030)}年`;
    case 5:
      return `${int(random, 1, 99)}.${int(random, 0, 99)}%`;
    case 6:
      return `${int(random, 1, 9)}.${int(random, 0, 9)}.${int(random, 0, 99)}`;
    case 7:
      return [...whole].map((d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).join('');
    case 8:
      return `第${whole}条第${int(random, 1, 9)}款`;
    default:
      return `${whole}e-${int(random, 1, 9)}`;
  }
}

function hanChar(random: Random): string {
  return random() < 0.5
    ? fromRange(random, 0x4e00, 0x9fd5)
    : pick(random, [...'的一是不了人我在有他这中大来上国个到说们']);
}

/** One fragment of a text, of a kind chosen by `kind`. */
function fragment(random: Random, kind: number): string {
  switch (kind) {
    case 0:
      return englishWord(random) + (random() < 0.8 ? ' ' : pick(random, PUNCT));
    case 1:
      return pick(random, CN_WORDS);
    case 2:
      return number(random);
    case 3:
      return pick(random, PUNCT);
    case 4:
      return pick(random, SPACES);
    case 5:
      return pick(random, RUN_UNITS).repeat(tail(random, 3000));
    case 6: {
      let run = '';
      for (let i = tail(random, 400); i > 0; i--) run += hanChar(random);
      return run;
    }
    case 7: {
      const [first, last] = pick(random, SCRIPTS);
      let run = '';
      for (let i = tail(random, 30); i > 0; i--) run += fromRange(random, first, last);
      return run;
    }
    case 8:
      return pick(random, NOT_SPACES);
    default:
      return codeLine(random);
  }
}

function codeLine(random: Random): string {
  const name = `${englishWord(random)}_${int(random, 0, 99)}`.replace(/[^\w]/g, '');
  const lines = [
    `const ${name} = await fetch(\`/api/v${int(random, 1, 3)}/${name}?id=\${id}\`);`,
    `def ${name}(self, *args, **kwargs):  # 计算${pick(random, CN_WORDS)}`,
    `\tif (${name} >= ${number(random)} && !done) { return ${name}++; }`,
    `#include <stdio.h>\nprintf("%d%%\\n", ${name});`,
    `SELECT * FROM t_${name} WHERE 金额 > ${int(random, 0, 1e6)} AND note LIKE '%${pick(random, CN_WORDS)}%';`,
    `${name} += x ** 2 - y // 3 -> z => {} :: ${'<'.repeat(int(random, 1, 3))}`,
    `<div class="${name}">${pick(random, CN_WORDS)}&nbsp;&amp;${number(random)}</div>`,
    `https://www.${name}.com.cn/path/${int(random, 0, 9999)}.html?q=${pick(random, CN_WORDS)}&x=1#top`,
    `${name}@example.com`,
  ];
  return pick(random, lines) + (random() < 0.5 ? '\n' : '\r\n');
}

/** Weights of the fragment kinds for each text style (English, Chinese, code, runs, numbers, scripts, mixed). */
const STYLES: number[][] = [
  [60, 5, 8, 8, 10, 1, 0, 2, 1, 2],
  [3, 60, 8, 15, 5, 1, 5, 1, 1, 1],
  [5, 5, 5, 3, 5, 0, 0, 1, 1, 60],
  [5, 10, 5, 5, 5, 20, 5, 2, 1, 1],
  [5, 20, 50, 10, 5, 1, 1, 1, 1, 1],
  [5, 10, 5, 5, 10, 2, 5, 50, 8, 0],
  [10, 10, 10, 10, 10, 5, 10, 10, 5, 10],
];

function weighted(random: Random, weights: readonly number[]): number {
  let left = random() * weights.reduce((sum, weight) => sum + weight, 0);
  for (let i = 0; i < weights.length; i++) {
    left -= weights[i];
    if (left < 0) return i;
  }
  return weights.length - 1;
}

/** `count` synthetic texts from `seed`: English, Chinese, code, long runs, numbers and units, other scripts, mixes. */
export function syntheticTexts(seed: number, count: number): string[] {
  const random = createRandom(seed);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const weights = STYLES[i % STYLES.length];
    let text = '';
    const pieces = tail(random, 60);
    for (let j = 0; j < pieces && text.length < 4000; j++)
      text += fragment(random, weighted(random, weights));
    texts.push(text);
  }
  return texts;
}

/**
 * The LawBench texts of `lawbenchDir` (`../shared/data/lawbench`), each once, in a fixed order: every zero-shot
 * question and answer, then every prediction and reference of the published zero-shot prediction sets.
 */
export function lawbenchTexts(lawbenchDir: string): string[] {
  const texts = new Set<string>();
  const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
  const jsonFiles = (dir: string): string[] =>
    readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  const dataDir = join(lawbenchDir, 'zero_shot');
  for (const file of jsonFiles(dataDir)) {
    for (const item of read(join(dataDir, file)) as Array<{ question: string; answer: string }>) {
      texts.add(item.question).add(item.answer);
    }
  }
  const predictionsDir = join(lawbenchDir, 'predictions', 'zero_shot');
  for (const model of readdirSync(predictionsDir).sort()) {
    for (const file of jsonFiles(join(predictionsDir, model))) {
      const items = read(join(predictionsDir, model, file)) as Record<
        string,
        { prediction: string; refr: string }
      >;
      for (const item of Object.values(items)) texts.add(item.prediction).add(item.refr);
    }
  }
  return [...texts];
}
