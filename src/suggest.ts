/**
 * Edit distance with adjacent transpositions (optimal string alignment): "chek" is one edit from
 * "check", "recomend" one from "recommend", "jsno" one from "json".
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known word closest to what was typed, if it is close enough to be a slip: at most a third of
 * its letters wrong (at least one), or the typed word is the start of exactly one known word.
 */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  if (word === '' || word.length > 64) return undefined;
  const prefixed = known.filter((candidate) => word.length >= 3 && candidate.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(word, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const allowed = Math.max(1, Math.floor(Math.max(word.length, best?.length ?? 0) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** " (did you mean X?)" or nothing. */
export function didYouMean(typed: string, known: readonly string[], show: (word: string) => string = (word) => `"${word}"`): string {
  const match = closest(typed, known);
  return match === undefined ? '' : ` (did you mean ${show(match)}?)`;
}
