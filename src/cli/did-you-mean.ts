// Suggestions for a mistyped word, the way cobra makes kubectl's: candidates within two edits,
// or that start with what was typed, nearest first.

const MAX_DISTANCE = 2;

export function closestWords(typed: string, candidates: Iterable<string>, most = 3): string[] {
  const lower = typed.toLowerCase();
  const scored: { word: string; distance: number }[] = [];
  for (const word of new Set(candidates)) {
    if (word.startsWith('_')) continue;
    const distance = editDistance(lower, word.toLowerCase());
    if (distance <= MAX_DISTANCE || (lower.length > 1 && word.toLowerCase().startsWith(lower))) scored.push({ word, distance });
  }
  return scored.sort((a, b) => a.distance - b.distance || a.word.localeCompare(b.word)).slice(0, most).map(({ word }) => word);
}

/** ", did you mean X?" or "" — for the end of an error message. */
export function didYouMean(typed: string, candidates: Iterable<string>, show: (word: string) => string = (word) => word): string {
  const words = closestWords(typed, candidates);
  if (words.length === 0) return '';
  const listed = words.map(show);
  return `; did you mean ${listed.length === 1 ? listed[0] : `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}`}?`;
}

/**
 * Edit distance (optimal string alignment): a swap of two neighbours counts as one edit, since
 * that is the commonest slip (`apporvals`).
 */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
