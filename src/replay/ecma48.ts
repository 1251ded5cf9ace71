// A streaming tokenizer for terminal output, after ECMA-48 (5th edition, 1991) and the state
// machine DEC terminals (and xterm) implement (P. Williams, "A parser for DEC's ANSI-compatible
// video terminals", vt100.net/emu/dec_ansi_parser): text, C0 and C1 controls, escape sequences,
// control sequences (CSI) and control strings (OSC, DCS, SOS, PM, APC). It decides what each
// byte *is*, exactly as a terminal would, so that a filter can decide what may reach one. Input
// comes in pieces (recorded events); a sequence cut between two pieces is completed by the next.
// Text is JavaScript strings (UTF-8 already decoded), so C1 controls are U+0080–U+009F.

export type Token =
  | { kind: 'text'; text: string }
  /** A C0 control (U+0000–U+001F other than ESC), or DEL. */
  | { kind: 'c0'; code: number }
  /** A C1 control given as one character (U+0080–U+009F) that starts no sequence or string. */
  | { kind: 'c1'; code: number }
  /** ESC, intermediates (U+0020–U+002F), final (U+0030–U+007E). */
  | { kind: 'esc'; intermediates: string; final: string }
  /** CSI: private prefix (one of < = > ? first), parameters, intermediates, final; `valid` false when malformed (a terminal ignores it). */
  | { kind: 'csi'; prefix: string; params: string; intermediates: string; final: string; valid: boolean }
  /** OSC, DCS, SOS, PM or APC, with its content (capped). */
  | { kind: 'string'; type: StringType; content: string };

export type StringType = 'osc' | 'dcs' | 'sos' | 'pm' | 'apc';

type State = 'ground' | 'esc' | 'escInter' | 'csi' | 'string' | 'stringEsc';

const ESC = 0x1b;
const CAN = 0x18;
const SUB = 0x1a;
const BEL = 0x07;
/** A control sequence longer than this is malformed whatever it holds. */
const MAX_CSI = 256;
/** Content kept of a control string (the rest is consumed and dropped). */
const MAX_STRING = 256;

const STRING_BY_ESC: Record<string, StringType> = { ']': 'osc', P: 'dcs', X: 'sos', '^': 'pm', _: 'apc' };
const STRING_BY_C1: Record<number, StringType> = { 0x9d: 'osc', 0x90: 'dcs', 0x98: 'sos', 0x9e: 'pm', 0x9f: 'apc' };
const C1_CSI = 0x9b;
const C1_ST = 0x9c;

export class Ecma48Tokenizer {
  private state: State = 'ground';
  private text = '';
  private intermediates = '';
  private csi = { prefix: '', params: '', intermediates: '', valid: true, length: 0 };
  private stringType: StringType = 'osc';
  private stringContent = '';

  constructor(private readonly emit: (token: Token) => void) {}

  push(input: string): void {
    for (const char of input) this.step(char);
    this.flushText();
  }

  /** At the end of the output: a sequence left open is dropped, as a terminal never completed it either. */
  end(): void {
    this.flushText();
    this.state = 'ground';
  }

  private flushText(): void {
    if (this.text === '') return;
    const text = this.text;
    this.text = '';
    this.emit({ kind: 'text', text });
  }

  private token(token: Token): void {
    this.flushText();
    this.emit(token);
  }

  private step(char: string): void {
    const code = char.codePointAt(0)!;
    // Anywhere: CAN and SUB cancel a sequence; ESC starts a new one (in a string it may be ST).
    if (this.state !== 'ground' && this.state !== 'string' && this.state !== 'stringEsc') {
      if (code === CAN || code === SUB) {
        this.state = 'ground';
        return;
      }
      if (code === ESC) {
        this.enterEscape();
        return;
      }
    }
    switch (this.state) {
      case 'ground':
        return this.ground(char, code);
      case 'esc':
        return this.escape(char, code);
      case 'escInter':
        return this.escapeIntermediate(char, code);
      case 'csi':
        return this.controlSequence(char, code);
      case 'string':
        return this.controlString(char, code);
      case 'stringEsc':
        return this.controlStringEscape(char, code);
    }
  }

  private enterEscape(): void {
    this.state = 'esc';
    this.intermediates = '';
  }

  private enterCsi(): void {
    this.state = 'csi';
    this.csi = { prefix: '', params: '', intermediates: '', valid: true, length: 0 };
  }

  private enterString(type: StringType): void {
    this.state = 'string';
    this.stringType = type;
    this.stringContent = '';
  }

  private ground(char: string, code: number): void {
    if (code === ESC) {
      this.flushText();
      this.enterEscape();
    } else if (code < 0x20 || code === 0x7f) this.token({ kind: 'c0', code });
    else if (code >= 0x80 && code <= 0x9f) this.c1(code);
    else this.text += char;
  }

  private c1(code: number): void {
    this.flushText();
    if (code === C1_CSI) this.enterCsi();
    else if (STRING_BY_C1[code]) this.enterString(STRING_BY_C1[code]);
    else this.token({ kind: 'c1', code });
  }

  private escape(char: string, code: number): void {
    if (code < 0x20 || code === 0x7f) return this.token({ kind: 'c0', code }); // executed, the sequence goes on
    if (char === '[') return this.enterCsi();
    if (STRING_BY_ESC[char]) return this.enterString(STRING_BY_ESC[char]);
    if (code >= 0x20 && code <= 0x2f) {
      this.intermediates = char;
      this.state = 'escInter';
      return;
    }
    this.state = 'ground';
    if (code >= 0x30 && code <= 0x7e) this.token({ kind: 'esc', intermediates: '', final: char });
    // Anything else after ESC is no sequence at all: dropped with it.
  }

  private escapeIntermediate(char: string, code: number): void {
    if (code < 0x20 || code === 0x7f) return this.token({ kind: 'c0', code });
    if (code >= 0x20 && code <= 0x2f) {
      if (this.intermediates.length < 8) this.intermediates += char;
      return;
    }
    this.state = 'ground';
    if (code >= 0x30 && code <= 0x7e) this.token({ kind: 'esc', intermediates: this.intermediates, final: char });
  }

  private controlSequence(char: string, code: number): void {
    const csi = this.csi;
    if (code < 0x20 || code === 0x7f) return this.token({ kind: 'c0', code });
    csi.length += 1;
    if (csi.length > MAX_CSI) csi.valid = false;
    if (code >= 0x30 && code <= 0x3f) {
      // Parameter bytes; < = > ? only as the first (a private prefix), and none after an intermediate.
      if (csi.intermediates !== '') csi.valid = false;
      else if ('<=>?'.includes(char)) {
        if (csi.params === '' && csi.prefix === '') csi.prefix = char;
        else csi.valid = false;
      } else if (csi.params.length < 64) csi.params += char;
      else csi.valid = false;
    } else if (code >= 0x20 && code <= 0x2f) {
      if (csi.intermediates.length < 4) csi.intermediates += char;
      else csi.valid = false;
    } else if (code >= 0x40 && code <= 0x7e) {
      this.state = 'ground';
      this.token({ kind: 'csi', prefix: csi.prefix, params: csi.params, intermediates: csi.intermediates, final: char, valid: csi.valid });
    } else {
      // Not a byte of a control sequence: a terminal ignores the sequence up to its final byte.
      csi.valid = false;
    }
  }

  private controlString(char: string, code: number): void {
    if (code === ESC) {
      this.state = 'stringEsc';
      return;
    }
    // xterm ends an OSC (and, being lenient, other strings) at BEL as well as at ST.
    if (code === BEL || code === C1_ST) return this.endString();
    if (code === CAN || code === SUB) {
      this.state = 'ground';
      return;
    }
    if (this.stringContent.length < MAX_STRING) this.stringContent += char;
  }

  private controlStringEscape(char: string, code: number): void {
    this.endString();
    if (char === '\\') return;
    // ESC followed by anything else ends the string and begins a new escape sequence.
    this.enterEscape();
    this.escape(char, code);
  }

  private endString(): void {
    this.state = 'ground';
    this.token({ kind: 'string', type: this.stringType, content: this.stringContent });
  }
}
