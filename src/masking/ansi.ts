// Terminal escape sequences may sit inside a secret on a pty (colour, cursor moves). Detection
// runs on the text without them; the replacement keeps them, so the terminal's state is intact.

// CSI, OSC (BEL or ST terminated) and two-byte escapes.
const ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

export interface Stripped {
  clean: string;
  /** original index of each clean character, plus the original length at the end. */
  map: Int32Array;
}

export function stripAnsi(text: string): Stripped {
  const map = new Int32Array(text.length + 1);
  let clean = '';
  let n = 0;
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m !== null; m = ESCAPE.exec(text)) {
    for (let i = last; i < m.index; i++) map[n++] = i;
    clean += text.slice(last, m.index);
    last = m.index + m[0].length;
  }
  for (let i = last; i < text.length; i++) map[n++] = i;
  clean += text.slice(last);
  map[n] = text.length;
  return { clean, map: map.subarray(0, n + 1) };
}

/** The escape sequences inside original[start, end), to re-emit after a marker. */
export function escapesWithin(text: string, start: number, end: number): string {
  const part = text.slice(start, end);
  return part.includes('\x1b') ? (part.match(ESCAPE) ?? []).join('') : '';
}
