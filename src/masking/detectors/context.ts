// Presidio-style context: a weak pattern (nine digits) counts only when a telling word sits
// shortly before it on the same line. Same line only, so that chunking never changes a verdict.

export function hasContextWord(
  text: string,
  start: number,
  words: readonly string[],
  window: number,
): boolean {
  let lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (start - lineStart > window) lineStart = start - window;
  const before = text.slice(lineStart, start).toLowerCase();
  for (const word of words) if (before.includes(word)) return true;
  return false;
}

const TOKEN_CHAR = /[A-Za-z0-9_]/;

/** True when the characters around [start, end) are not part of a longer word or number. */
export function isolated(text: string, start: number, end: number, alsoReject = ''): boolean {
  const before = text[start - 1];
  const after = text[end];
  if (before !== undefined && (TOKEN_CHAR.test(before) || alsoReject.includes(before))) return false;
  if (after !== undefined && (TOKEN_CHAR.test(after) || alsoReject.includes(after))) return false;
  return true;
}
