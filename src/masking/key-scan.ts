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

// A filter before the Set: indexed by the low five bits of each of the three characters, which
// fold upper and lower case together (it admits a few more, which the Set then rejects).
const ENDING_FILTER = new Uint8Array(1 << 15);
for (const e of ENDINGS) ENDING_FILTER[filterIndex((e >> 16) & 255, (e >> 8) & 255, e & 255)] = 1;

function filterIndex(a: number, b: number, c: number): number {
  return ((a & 31) << 10) | ((b & 31) << 5) | (c & 31);
}

function code(a: number, b: number, c: number): number {
  return (lowerCode(a) << 16) | (lowerCode(b) << 8) | lowerCode(c);
}

/** The code scanKeys gives a key ending in these three letters (case-insensitive). */
export function endingCode(ending: string): number {
  return code(ending.charCodeAt(0), ending.charCodeAt(1), ending.charCodeAt(2));
}

export interface KeyHit {
  /** Where a sticky detector regex starts: the key, or the quote (`"` / `\"`) before it. */
  start: number;
  /** The key itself: [keyStart, keyEnd) of the text. */
  keyStart: number;
  keyEnd: number;
  /** Its last three letters, lower-cased, as endingCode() gives them. */
  ending: number;
}

const isKeyChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;

/** Every key hit of the block, in ascending order (the `:` and `=` searches run side by side). */
export function scanKeys(text: string): KeyHit[] {
  const hits: KeyHit[] = [];
  let colon = text.indexOf(':');
  let equals = text.indexOf('=');
  while (colon !== -1 || equals !== -1) {
    let at: number;
    if (equals === -1 || (colon !== -1 && colon < equals)) {
      at = colon;
      colon = text.indexOf(':', at + 1);
    } else {
      at = equals;
      equals = text.indexOf('=', at + 1);
    }
    let e = at;
    // charCodeAt(-1) is NaN, which ends the walk like any other character would.
    let c = text.charCodeAt(e - 1);
    while (c === 32 || c === 9) c = text.charCodeAt(--e - 1);
    if (c === 34 || c === 39) {
      e--;
      if (text.charCodeAt(e - 1) === 92) e--;
      c = text.charCodeAt(e - 1);
    }
    if (e < 3) continue;
    const b = text.charCodeAt(e - 2);
    const a = text.charCodeAt(e - 3);
    if (ENDING_FILTER[filterIndex(a, b, c)] !== 1 || !isKeyChar(c)) continue;
    const ending = code(a, b, c);
    if (!ENDINGS.has(ending)) continue;
    let s = e - 1;
    while (s > 0 && isKeyChar(text.charCodeAt(s - 1))) s--;
    let start = s;
    const before = text.charCodeAt(s - 1);
    if (before === 34 || before === 39) start = text.charCodeAt(s - 2) === 92 ? s - 2 : s - 1;
    hits.push({ start, keyStart: s, keyEnd: e, ending });
  }
  return hits;
}
