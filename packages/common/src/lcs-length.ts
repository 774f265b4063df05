/**
 * Length of the longest common subsequence of two token lists (tokens compared with `===`), by dynamic
 * programming over one row: O(a·b) time, O(b) memory. The core of ROUGE-L; the tokenisation and the F formula
 * stay with each metric.
 */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const token = a[i - 1];
    let diagonal = 0; // row[j - 1] of the previous i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = token === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.length];
}
