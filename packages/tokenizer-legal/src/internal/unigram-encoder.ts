/**
 * SentencePiece unigram segmentation (unigram_model.cc `EncodeOptimized`): Viterbi over the normalized
 * string, best path score in float32, user-defined pieces favoured, unknown characters scored
 * `min score - 10`.
 */

/** Vocabulary view the Viterbi search needs. */
export interface UnigramVocabulary {
  /** Id of a piece usable by the lattice (normal or user-defined), or undefined. */
  lookup(piece: string): number | undefined;
  /** Longest piece length in UTF-16 units. */
  maxPieceLength: number;
  score(id: number): number;
  isUserDefined(id: number): boolean;
  /** UTF-8 byte length of a piece (for the user-defined bonus). */
  byteLength(id: number): number;
  maxScore: number;
  minScore: number;
  unkId: number;
}

const UNK_PENALTY = 10;

/** Segment `normalized` into `[start, end, id]` triples. */
export function unigramSegment(
  normalized: string,
  vocabulary: UnigramVocabulary,
): Array<[number, number, number]> {
  const size = normalized.length;
  if (size === 0) return [];
  const bestScore = new Float64Array(size + 1);
  const startsAt = new Int32Array(size + 1).fill(-1);
  const bestId = new Int32Array(size + 1).fill(-1);
  const unkScore = Math.fround(vocabulary.minScore - UNK_PENALTY);
  const maxLength = vocabulary.maxPieceLength;
  let position = 0;
  while (position < size) {
    const scoreHere = bestScore[position];
    const code = normalized.charCodeAt(position);
    const charLength = code >= 0xd800 && code <= 0xdbff && position + 1 < size ? 2 : 1;
    let hasSingle = false;
    const limit = Math.min(size, position + maxLength);
    for (let stop = position + 1; stop <= limit; stop++) {
      const id = vocabulary.lookup(normalized.slice(position, stop));
      if (id === undefined) continue;
      const candidate = vocabulary.isUserDefined(id)
        ? Math.fround(vocabulary.byteLength(id) * vocabulary.maxScore) - 0.1 + scoreHere
        : Math.fround(vocabulary.score(id) + scoreHere);
      if (startsAt[stop] === -1 || candidate > bestScore[stop]) {
        bestScore[stop] = Math.fround(candidate);
        startsAt[stop] = position;
        bestId[stop] = id;
      }
      if (stop - position === charLength) hasSingle = true;
    }
    if (!hasSingle) {
      const stop = position + charLength;
      const candidate = Math.fround(unkScore + scoreHere);
      if (startsAt[stop] === -1 || candidate > bestScore[stop]) {
        bestScore[stop] = candidate;
        startsAt[stop] = position;
        bestId[stop] = vocabulary.unkId;
      }
    }
    position += charLength;
  }
  // Backtrack; a run of unknown characters becomes one unknown piece (as sentencepiece does).
  const result: Array<[number, number, number]> = [];
  let endsAt = size;
  while (endsAt > 0) {
    const from = startsAt[endsAt];
    const id = bestId[endsAt];
    const last = result[result.length - 1];
    if (id === vocabulary.unkId && last !== undefined && last[2] === id) last[0] = from;
    else result.push([from, endsAt, id]);
    endsAt = from;
  }
  return result.reverse();
}
