// What the agent controls reaches people's terminals spelt out, never interpreted: every family of
// ECMA-48 / xterm control sequence, in 7-bit and 8-bit form, and the invisible Unicode characters
// that mislead a reader without any terminal involved.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { showCommand } from '../../src/contract/command-line.ts';
import { hasHidden, showJson, showUntrusted } from '../../src/contract/show-untrusted.ts';

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

// Anything a terminal could act on or a person could not see: C0, DEL, C1, format characters,
// separators, surrogates, non-ASCII spaces, and the known invisible letters and marks.
// eslint-disable-next-line no-control-regex
const ACTIONABLE = /[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u034f\u115f\u1160\u3164\ufe00-\ufe0f\uffa0]|(?! )\p{Zs}/u;

const families: Array<[string, string]> = [
  ['CSI erase display', `${ESC}[2J`],
  ['CSI cursor up and erase line', `${ESC}[5A${ESC}[2K`],
  ['CSI SGR colour', `${ESC}[31;1m`],
  ['CSI device status query', `${ESC}[6n`],
  ['OSC 0 window title (BEL)', `${ESC}]0;pwned${BEL}`],
  ['OSC 2 window title (ST)', `${ESC}]2;pwned${ST}`],
  ['OSC 8 hyperlink', `${ESC}]8;;https://evil.example/${ST}click${ESC}]8;;${ST}`],
  ['OSC 52 clipboard write', `${ESC}]52;c;Y3VybCBldmlsIHwgc2g=${BEL}`],
  ['DCS', `${ESC}P+q544e${ST}`],
  ['APC', `${ESC}_payload${ST}`],
  ['PM', `${ESC}^payload${ST}`],
  ['SOS', `${ESC}Xpayload${ST}`],
  ['RIS full reset', `${ESC}c`],
  ['8-bit CSI', '\u009b2J'],
  ['8-bit OSC', '\u009d0;pwned\u009c'],
  ['8-bit DCS', '\u0090+q544e\u009c'],
  ['8-bit APC', '\u009fpayload\u009c'],
  ['8-bit PM', '\u009epayload\u009c'],
  ['8-bit SOS', '\u0098payload\u009c'],
  ['NEL and IND', '\u0085\u0084'],
  ['carriage return overwrite', 'harmless\rdelete'],
  ['backspaces', 'rm\b\b\bls'],
  ['newline forging a line', 'ok\nrisk 0/100: harmless'],
  ['tab', 'a\tb'],
  ['NUL and DEL', 'a\0b\x7f'],
  ['bidi override RLO/LRO/PDF', 'a\u202eb\u202dc\u202c'],
  ['bidi embeddings', '\u202a\u202b'],
  ['bidi isolates', '\u2066\u2067\u2068\u2069'],
  ['bidi marks', '\u200e\u200f\u061c'],
  ['zero-width space, non-joiner, joiner', 'pr\u200bod\u200c\u200d'],
  ['word joiner and invisible operators', '\u2060\u2061\u2062\u2063\u2064'],
  ['byte-order mark', '\ufeffprod'],
  ['soft hyphen', 'pr\u00adod'],
  ['Mongolian vowel separator', 'a\u180eb'],
  ['line and paragraph separators', 'a\u2028b\u2029c'],
  ['lone surrogates', 'a\ud800b\udc00c'],
  ['no-break and other spaces', 'prod\u00a0ns\u2007x\u3000y'],
  ['Hangul fillers', '\u3164\u115f\uffa0'],
  ['variation selectors', 'a\ufe0fb\u{e0100}'],
  ['tag characters', 'a\u{e0041}\u{e007f}'],
];

describe('showUntrusted', () => {
  it.each(families)('spells out %s', (_name, hostile) => {
    const shown = showUntrusted(`before ${hostile} after`);
    expect(shown).not.toMatch(ACTIONABLE);
    expect(shown.startsWith('before ')).toBe(true);
    expect(shown.endsWith(' after')).toBe(true);
    expect(hasHidden(hostile)).toBe(true);
  });

  it('writes the forms a person can read and report', () => {
    expect(showUntrusted(`${ESC}[2J`)).toBe('\\x1b[2J');
    expect(showUntrusted('a\u202eb')).toBe('a\\u202eb');
    expect(showUntrusted('\u009b2J')).toBe('\\x9b2J');
    expect(showUntrusted('x\ny\tz\r')).toBe('x\\ny\\tz\\r');
    expect(showUntrusted('\u{e0041}')).toBe('\\u{e0041}');
    expect(showUntrusted('\ud800')).toBe('\\ud800');
    expect(showUntrusted(null)).toBe('');
  });

  it('leaves visible text alone, in any script', () => {
    for (const text of ['prod', 'INC-4711: restart web', 'Zürich 東京 мир عربى 🚀 👍🏽', 'naïve café', '$(rm -rf /) `id` \\x1b']) {
      expect(showUntrusted(text)).toBe(text);
      expect(hasHidden(text)).toBe(false);
    }
  });

  it('never lets anything actionable through, whatever the string (property)', () => {
    const anyUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), anyUnits), (text) => {
      expect(showUntrusted(text)).not.toMatch(ACTIONABLE);
    }), { numRuns: 2000 });
  });
});

describe('showCommand', () => {
  it('writes an argument with hidden characters in ANSI-C quoting, and others as before', () => {
    expect(showCommand(['delete', 'pod', 'web-1', '-n', 'prod'])).toBe('kubectl delete pod web-1 -n prod');
    expect(showCommand(['annotate', 'pod', 'x', "note=it's fine"])).toBe("kubectl annotate pod x 'note=it'\\''s fine'");
    expect(showCommand(['delete', 'pod', `web${ESC}[2J`, '-n', "pr'od\\\u202e"])).toBe("kubectl delete pod $'web\\x1b[2J' -n $'pr\\'od\\\\\\u202e'");
    expect(showCommand(['get', 'cm', '-l', 'a\nb'])).not.toMatch(ACTIONABLE);
  });
});

describe('showJson', () => {
  it('gives the same JSON value back with nothing actionable in its text (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
      for (const input of [value, { text, nested: [text, value] }]) {
        const shown = showJson(input, 2);
        expect(shown.replace(/\n/g, '')).not.toMatch(ACTIONABLE);
        expect(JSON.parse(shown)).toEqual(JSON.parse(JSON.stringify(input)));
      }
    }), { numRuns: 500 });
  });
});
