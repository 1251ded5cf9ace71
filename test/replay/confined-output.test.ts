import { describe, expect, it } from 'vitest';
import { ConfinedOutput } from '../../src/replay/confined-output.ts';
import { Ecma48Tokenizer, type Token } from '../../src/replay/ecma48.ts';

function confine(pieces: string[], width = 80): string {
  const screen = new ConfinedOutput(width);
  return pieces.map((piece) => screen.write(piece)).join('') + screen.finish();
}

function tokens(pieces: string[]): Token[] {
  const found: Token[] = [];
  const tokenizer = new Ecma48Tokenizer((token) => found.push(token));
  for (const piece of pieces) tokenizer.push(piece);
  tokenizer.end();
  return found;
}

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

describe('the ECMA-48 tokenizer', () => {
  it('tells text, controls, escape and control sequences and control strings apart, as a terminal does', () => {
    expect(tokens([`a${ESC}[1;31mb${ESC}]0;title${BEL}c${ESC}P$qm${ST}\r\n${ESC}(0`])).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'csi', prefix: '', params: '1;31', intermediates: '', final: 'm', valid: true },
      { kind: 'text', text: 'b' },
      { kind: 'string', type: 'osc', content: '0;title' },
      { kind: 'text', text: 'c' },
      { kind: 'string', type: 'dcs', content: '$qm' },
      { kind: 'c0', code: 13 },
      { kind: 'c0', code: 10 },
      { kind: 'esc', intermediates: '(', final: '0' },
    ]);
  });

  it('completes a sequence cut between two recorded events', () => {
    expect(tokens([`${ESC}]52;c;aGVs`, `bG8=${BEL}ok`])).toEqual([{ kind: 'string', type: 'osc', content: '52;c;aGVsbG8=' }, { kind: 'text', text: 'ok' }]);
    expect(tokens([`${ESC}`, '[', '2', 'J'])).toEqual([{ kind: 'csi', prefix: '', params: '2', intermediates: '', final: 'J', valid: true }]);
  });

  it('reads 8-bit C1 introducers (CSI, OSC, DCS, SOS, PM, APC) like their ESC forms', () => {
    expect(tokens(['\u009b6n', '\u009d8;;http://x\u009c', '\u0090q\u009c', '\u0098s\u009c', '\u009ep\u009c', '\u009fa\u009c']).map((t) => (t.kind === 'string' ? t.type : t.kind))).toEqual([
      'csi', 'osc', 'dcs', 'sos', 'pm', 'apc',
    ]);
  });

  it('ends a string at an ESC that starts another sequence, and cancels one at CAN', () => {
    expect(tokens([`${ESC}]2;x${ESC}[31mred`])).toEqual([
      { kind: 'string', type: 'osc', content: '2;x' },
      { kind: 'csi', prefix: '', params: '31', intermediates: '', final: 'm', valid: true },
      { kind: 'text', text: 'red' },
    ]);
    expect(tokens([`${ESC}[12\x18x`])).toEqual([{ kind: 'text', text: 'x' }]);
  });
});

describe('confined replay output', () => {
  it('keeps text, colours, line edits and cursor moves within the replay', () => {
    expect(confine([`${ESC}[1;32mok${ESC}[0m\r\nline${ESC}[K\r\n`])).toBe(`${ESC}[1;32mok${ESC}[0m\r\nline${ESC}[K\r\n${ESC}[0m`);
  });

  it('drops clipboard, title, hyperlink and every other control string, in 7-bit and 8-bit forms', () => {
    const out = confine([
      `${ESC}]52;c;ZXZpbA==${BEL}`, `${ESC}]0;root@prod${ST}`, `${ESC}]1;icon${BEL}`, `${ESC}]2;title${BEL}`,
      `${ESC}]8;;https://evil.example${ST}click${ESC}]8;;${ST}`, `${ESC}]4;1;rgb:ff/00/00${BEL}`, `${ESC}]777;notify;x;y${BEL}`,
      `${ESC}P$qm${ST}`, `${ESC}Ptmux;${ESC}${ESC}]52;c;eA==${BEL}${ST}`, `${ESC}_Gf=100;AAAA${ST}`, `${ESC}^pm${ST}`, `${ESC}Xsos${ST}`,
      '\u009d52;c;eA==\u009c', '\u0090$q"p\u009c', '\u009f_\u009c',
    ]);
    expect(out).not.toMatch(/\x1b[\]P_^X]|[\u0080-\u009f]|\x07/);
    expect(out).toContain('click');
  });

  it('drops device and status queries, whose answers the terminal would type into the shell', () => {
    const out = confine([`${ESC}[c${ESC}[>c${ESC}[=c${ESC}[0c${ESC}[5n${ESC}[6n${ESC}[?6n${ESC}[?2004$p${ESC}[14t${ESC}[18t${ESC}[x\x05${ESC}Z`]);
    expect(out).toBe('');
  });

  it('drops modes that would outlive the replay and keeps only cursor visibility, shown again at the end', () => {
    const out = confine([
      `${ESC}[?1049h${ESC}[?47h${ESC}[?1047h${ESC}[?2004h${ESC}[?1000h${ESC}[?1002h${ESC}[?1003h${ESC}[?1006h${ESC}[?1004h`,
      `${ESC}[?1h${ESC}=${ESC}>${ESC}[4h${ESC}[20h${ESC}[?6h${ESC}[?3h${ESC}[?5h${ESC}[1;5r${ESC}[3g${ESC}H${ESC}c${ESC}#8${ESC}[!p${ESC}[2 q`,
      '\x0e\x0f', `${ESC})0`, `${ESC}[?25;1049l`, 'x',
    ]);
    expect(out).toBe(`${ESC}[?25lx${ESC}[?25h\r\n`);
  });

  it('maps the recording\'s screen onto the rows from the replay\'s first one down: clear screen and home stay there', () => {
    // Three lines drawn, then "clear the screen and go home", then a fake verdict.
    const out = confine(['a\r\nb\r\nc\r\n', `${ESC}[2J${ESC}[H`, 'verified: fake\r\n']);
    expect(out).toBe(`a\r\nb\r\nc\r\n${ESC}[3A${ESC}[J${ESC}D${ESC}D${ESC}D${ESC}[3Averified: fake\r\n${ESC}D${ESC}D`);
    expect(out).not.toContain(`${ESC}[2J`);
    expect(out).not.toContain(`${ESC}[H`);
  });

  it('never moves above the first row, however the move is asked for', () => {
    const moves = [`${ESC}[99A`, `${ESC}[1;1H`, `${ESC}[H`, `${ESC}[5;1f`, `${ESC}[1d`, `${ESC}[9F`, `${ESC}M${ESC}M${ESC}M`, '\u008d', `${ESC}8`, `${ESC}[u`, `${ESC}[3S${ESC}[3T`];
    for (const move of moves) {
      const out = confine(['one\r\ntwo\r\n', move, 'X']);
      const up = [...out.matchAll(/\x1b\[(\d*)A/g)].reduce((sum, m) => sum + Number(m[1] || 1), 0) + [...out.matchAll(/\x1bM/g)].length;
      expect(up, JSON.stringify(move)).toBeLessThanOrEqual(2);
      expect(out).not.toMatch(/\x1b\[[\d;]*[Hfd]|\x1b\[[\d;]*[ST]/);
    }
  });

  it('follows wrapping at the terminal width, so a long line counts as the rows it takes', () => {
    // 25 characters on a 10-column terminal take 3 rows: "home" may go up 2, no more.
    expect(confine(['x'.repeat(25), `${ESC}[H`, 'Y'], 10)).toBe(`${'x'.repeat(25)}${ESC}[2A\rY${ESC}D${ESC}D\r\n`);
  });

  it('drops bidi controls from the text', () => {
    expect(confine(['abc\u202edef\u2066g'])).toBe('abcdefg\r\n');
  });
});
