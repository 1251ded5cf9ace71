// One pass over the `:` and `=` of a block finds every `key: value` / `key=value` whose key could
// matter (secret-ish words, and the Kubernetes fields the structure walker follows). Checking
// separators with native indexOf and a three-letter suffix test is far cheaper than searching
// each keyword separately, and it finds the key's start without a backtracking regex.

function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

// Last three letters (lower case) of every key a keyed detector or the walker may care about.
const ENDINGS = new Set(
  [
    'ord', 'swd', 'ase', 'pwd', 'ret', 'ken', 'key', '_id', '-id', 'yid', 'ata', 'ial', 'als', 'ing',
    'alt', 'mac', 'eed', 'ure', 'kie', 'nid', 'ion', 'ind', 'ame',
  ].map((e) => code(e.charCodeAt(0), e.charCodeAt(1), e.charCodeAt(2))),
);

function code(a: number, b: number, c: number): number {
  return (lowerCode(a) << 16) | (lowerCode(b) << 8) | lowerCode(c);
}

export interface KeyHit {
  /** Where a sticky detector regex starts: the key, or the quote (`"` / `\"`) before it. */
  start: number;
  key: string;
}

const isKeyChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;

export function scanKeys(text: string): KeyHit[] {
  const hits: KeyHit[] = [];
  for (let n = 0; n < 2; n++) {
    const sep = n === 0 ? ':' : '=';
    for (let at = text.indexOf(sep); at !== -1; at = text.indexOf(sep, at + 1)) {
      let e = at;
      while (e > 0 && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
      const q = text.charCodeAt(e - 1);
      if (q === 34 || q === 39) {
        e--;
        if (text.charCodeAt(e - 1) === 92) e--;
      }
      if (e < 3 || !isKeyChar(text.charCodeAt(e - 1))) continue;
      if (!ENDINGS.has(code(text.charCodeAt(e - 3), text.charCodeAt(e - 2), text.charCodeAt(e - 1)))) continue;
      let s = e - 1;
      while (s > 0 && isKeyChar(text.charCodeAt(s - 1))) s--;
      let start = s;
      const before = text.charCodeAt(s - 1);
      if (before === 34 || before === 39) start = text.charCodeAt(s - 2) === 92 ? s - 2 : s - 1;
      hits.push({ start, key: text.slice(s, e) });
    }
  }
  return hits;
}
