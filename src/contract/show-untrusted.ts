// Text the agent controls (its reason, argv, names, namespace, context, cluster, agent name, run
// id, and anything a message echoes from them) is shown to people on terminals: the approver's
// inbox, the auditor's listings. A terminal interprets what it is sent, so such text must reach
// it with every character that is not plain, visible text spelt out instead:
//
// - C0 controls (U+0000–U+001F) and DEL: ESC starts every 7-bit sequence of ECMA-48 and xterm
//   (CSI `ESC [`, OSC `ESC ]` — titles (0/2), hyperlinks (8), the clipboard (52) —, DCS `ESC P`,
//   SOS `ESC X`, PM `ESC ^`, APC `ESC _`, ST `ESC \`), CR and BS overwrite what is shown, and a
//   newline lets one field forge the next line (`risk 0/100: harmless`). These fields are single
//   lines, so \n and \t are spelt out too.
// - C1 controls (U+0080–U+009F): the 8-bit forms of the same sequences (CSI U+009B, OSC U+009D,
//   DCS U+0090, SOS U+0098, ST U+009C, PM U+009E, APC U+009F), which xterm acts on when UTF-8
//   encoded.
// - Format characters (Unicode Cf): the bidi embeddings, overrides and isolates (U+202A–U+202E,
//   U+2066–U+2069), marks (U+200E, U+200F, U+061C) that reorder what a person reads
//   ("Trojan Source"), zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF), the soft
//   hyphen, U+180E, tags (U+E0000…) and the rest of the category.
// - Line and paragraph separators (U+2028, U+2029), lone surrogates (not text at all), spaces
//   other than U+0020 (they pass for a space while being another character), and the invisible
//   letters and marks that render as nothing (Hangul fillers, variation selectors, U+034F).
//
// The visible forms are \n \r \t, \xNN below U+0100, \uNNNN and \u{NNNNN} above: what a person
// can read and report, never something a terminal acts on.

const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]|(?! )\p{Zs}/gu;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The visible spelling of one hidden character. */
export function spellOut(char: string): string {
  const short = SHORT[char];
  if (short) return short;
  const code = char.codePointAt(0)!;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** Whether `text` holds any character a terminal would act on or a person could not see. */
export function hasHidden(text: string): boolean {
  HIDDEN.lastIndex = 0;
  return HIDDEN.test(text);
}

/** `text` as a terminal may safely show it: every hidden character spelt out (see above). */
export function showUntrusted(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text).replace(HIDDEN, spellOut);
}

// In JSON, JSON.stringify already escapes C0 controls and lone surrogates inside strings; the
// rest (DEL, C1, format characters, separators…) it leaves raw, and a terminal would act on them.
// Outside strings there is only structural whitespace (space, \n), which must stay as it is.
const HIDDEN_IN_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]|(?! )\p{Zs}/gu;

const jsonEscape = (char: string): string =>
  [...Array(char.length).keys()].map((index) => `\\u${char.charCodeAt(index).toString(16).padStart(4, '0')}`).join('');

/**
 * JSON.stringify whose output is safe on a terminal: the same JSON value, with every hidden
 * character written as a \u escape (astral ones as their surrogate pair), so `-o json` printed to
 * a person cannot act on their terminal either, and a JSON reader gets the same strings back.
 */
export function showJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(HIDDEN_IN_JSON, jsonEscape);
}
