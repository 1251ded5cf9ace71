// What of a recording's output may reach the auditor's terminal during `hkubectl replay`. The
// session's own screen is the point of a recording, so text, colours, cursor moves within the
// replay and line edits pass; nothing that acts outside the replay's own region of the screen
// does (issue 25, class 2):
// - control strings (OSC 52 clipboard, OSC 0/1/2 titles, OSC 8 hyperlinks, any OSC, DCS, SOS,
//   PM, APC) and single C1 controls: dropped;
// - device and status queries (DA, DSR, DECRQM, window reports, ENQ), whose answers the
//   terminal would type into the auditor's shell: dropped;
// - modes that would outlive the replay (alternate screen, bracketed paste, mouse and focus
//   reporting, keypad and cursor-key modes, insert mode, scroll regions, tab stops, character
//   sets other than G0, resets): dropped; colours, G0 and cursor visibility are reset at the end;
// - anything that reaches above the row the replay began on: the recording's screen is mapped
//   onto the rows from there down. Absolute positions (CUP, HVP, VPA) become moves relative to
//   that first row, upward moves stop at it, "clear the screen" clears from it down, and moves
//   down are made with IND so that the count of rows since the first one stays exact when the
//   terminal scrolls.
// The cursor is followed on a model of the auditor's terminal (its width, deferred wrap, wide
// and zero-width characters). hkubectl's own status lines are printed again after the replay
// (replay.ts), so whatever a recording draws cannot stand in for them.
import { Ecma48Tokenizer, type Token } from './ecma48.ts';

const CSI = '\x1b[';
const IND = '\x1bD';

/** Cursor visibility (DECTCEM) is the one private mode a replay may set; it is shown again at the end. */
const PASSED_PRIVATE_MODES = new Set(['25']);

export class ConfinedOutput {
  private readonly tokenizer: Ecma48Tokenizer;
  private out = '';
  /** Rows below the one the replay began on, and the column, as the auditor's terminal has them. */
  private row = 0;
  private col = 0;
  private maxRow = 0;
  /** Whether anything was drawn on the lowest row. */
  private maxRowUsed = false;
  private wrapPending = false;
  private saved: { row: number; col: number } | null = null;
  private charsetChanged = false;
  private cursorHidden = false;
  private attributesSet = false;

  constructor(private readonly width: number) {
    this.tokenizer = new Ecma48Tokenizer((token) => this.token(token));
  }

  /** The part of a recorded output event that may be written to the terminal. */
  write(data: string): string {
    this.tokenizer.push(data);
    return this.take();
  }

  /** Before a line of hkubectl's own: onto a fresh line below everything the recording drew. */
  breakLine(): string {
    if (this.row < this.maxRow) this.down(this.maxRow - this.row);
    if (this.maxRowUsed) this.lineFeed('\r\n');
    else this.column(0);
    return this.take();
  }

  /** After `breakLine()`, that hkubectl printed `lines` lines on the same screen. */
  linesPrinted(lines: number): void {
    this.row += lines;
    this.col = 0;
    this.maxRow = this.row;
    this.maxRowUsed = false;
  }

  /** At the end: attributes and modes back to normal, the cursor on a fresh line below the replay. */
  finish(): string {
    this.tokenizer.end();
    if (this.attributesSet) this.out += `${CSI}0m`;
    if (this.charsetChanged) this.out += '\x1b(B';
    if (this.cursorHidden) this.out += `${CSI}?25h`;
    return this.breakLine();
  }

  private take(): string {
    const out = this.out;
    this.out = '';
    return out;
  }

  private token(token: Token): void {
    switch (token.kind) {
      case 'text':
        return this.text(token.text);
      case 'c0':
        return this.control(token.code);
      case 'esc':
        return this.escape(token.intermediates, token.final);
      case 'csi':
        if (token.valid) this.controlSequence(token.prefix, token.params, token.intermediates, token.final);
        return;
      case 'c1':
      case 'string':
        return;
    }
  }

  private text(text: string): void {
    for (const char of text) {
      // Bidi controls reorder what the auditor reads, on terminals that honour them: dropped.
      if (BIDI_CONTROL.test(char)) continue;
      const cells = cellWidth(char);
      if (cells === 0) {
        this.out += char;
        continue;
      }
      if (this.wrapPending || this.col + cells > this.width) {
        this.row += 1;
        this.col = 0;
        this.wrapPending = false;
        this.noteRow();
      }
      this.out += char;
      this.col += cells;
      if (this.row === this.maxRow) this.maxRowUsed = true;
      if (this.col >= this.width) {
        this.col = this.width - 1;
        this.wrapPending = true;
      }
    }
  }

  private control(code: number): void {
    switch (code) {
      case 0x08: // BS
        this.col = Math.max(0, this.col - 1);
        this.wrapPending = false;
        this.out += '\b';
        return;
      case 0x09: // HT: to the next default tab stop (tab stops cannot be set: HTS is dropped)
        this.col = Math.min(this.width - 1, (Math.floor(this.col / 8) + 1) * 8);
        this.wrapPending = false;
        this.out += '\t';
        return;
      case 0x0a:
      case 0x0b:
      case 0x0c: // LF, VT, FF: a line down (the terminal's onlcr also returns to the first column)
        this.lineFeed('\n');
        return;
      case 0x0d:
        this.col = 0;
        this.wrapPending = false;
        this.out += '\r';
        return;
      default:
        // BEL, ENQ (answerback: a reply typed into the shell), SO/SI (charset shifts that outlive
        // the replay), NUL and the rest: dropped.
        return;
    }
  }

  private lineFeed(bytes: string): void {
    this.out += bytes;
    this.row += 1;
    // The terminal's own output processing (onlcr) puts a CR before every LF written to it.
    if (bytes === '\n' || bytes === '\r\n') this.col = 0;
    this.wrapPending = false;
    this.noteRow();
  }

  private noteRow(): void {
    if (this.row > this.maxRow) {
      this.maxRow = this.row;
      this.maxRowUsed = false;
    }
  }

  private escape(intermediates: string, final: string): void {
    if (intermediates === '') {
      switch (final) {
        case '7':
          this.saved = { row: this.row, col: this.col };
          return;
        case '8':
          if (this.saved) this.moveTo(this.saved.row, this.saved.col);
          return;
        case 'D': // IND
          this.down(1);
          return;
        case 'E': // NEL
          this.down(1);
          this.col = 0;
          this.out += '\r';
          return;
        case 'M': // RI: up one row, but never above the replay's first row
          this.up(1);
          return;
        default:
          // RIS, keypad modes (= >), HTS, and the rest: dropped.
          return;
      }
    }
    // Designating a character set for G0 (line drawing, ASCII) is undone at the end; G1–G3 only
    // matter through SO/SI, which are dropped.
    if (intermediates === '(') {
      this.out += `\x1b(${final}`;
      this.charsetChanged = true;
    }
  }

  private controlSequence(prefix: string, params: string, intermediates: string, final: string): void {
    if (intermediates !== '') return; // DECSCUSR, DECSTR, DECRQM… : dropped
    const numbers = params.split(';').map((p) => Number.parseInt(p, 10));
    const n = (i: number, fallback = 1): number => {
      const value = numbers[i];
      return value === undefined || Number.isNaN(value) || value < 1 ? fallback : Math.min(value, 10_000);
    };
    if (prefix === '?') {
      if (final === 'h' || final === 'l') {
        const kept = params.split(';').filter((mode) => PASSED_PRIVATE_MODES.has(mode));
        for (const mode of kept) {
          this.out += `${CSI}?${mode}${final}`;
          if (mode === '25') this.cursorHidden = final === 'l';
        }
      } else if (final === 'K') {
        this.out += `${CSI}?${params}K`;
      } else if (final === 'J') {
        this.eraseDisplay(n(0, 0));
      }
      return;
    }
    if (prefix !== '') return; // DA2, DA3, xterm key modifiers…: dropped
    switch (final) {
      case 'm': // SGR: colours and attributes, with their : subparameters
        this.out += `${CSI}${params}m`;
        this.attributesSet = true;
        return;
      case 'A':
        return this.up(n(0));
      case 'B':
      case 'e':
        return this.down(n(0));
      case 'C':
      case 'a':
        return this.column(this.col + n(0));
      case 'D':
        return this.column(this.col - n(0));
      case 'G':
      case '`':
        return this.column(n(0) - 1);
      case 'E':
        this.down(n(0));
        return this.column(0);
      case 'F':
        this.up(n(0));
        return this.column(0);
      case 'H':
      case 'f':
        return this.moveTo(n(0) - 1, n(1) - 1);
      case 'd':
        return this.moveTo(n(0) - 1, this.col);
      case 'J':
        return this.eraseDisplay(n(0, 0));
      case 'K':
      case '@':
      case 'P':
      case 'X':
      case 'L':
      case 'M':
        // Within the current line, or from it down: the replay's own rows.
        this.out += `${CSI}${params}${final}`;
        this.wrapPending = false;
        return;
      case 's':
        if (params === '') this.saved = { row: this.row, col: this.col };
        return;
      case 'u':
        if (params === '' && this.saved) this.moveTo(this.saved.row, this.saved.col);
        return;
      default:
        // Device and status queries (c, n, x), window operations (t), scroll regions (r),
        // scrolling (S, T), modes (h, l), tab clears (g), REP (b), and the rest: dropped.
        return;
    }
  }

  /** ED: below (0) passes; above (1) is dropped; the whole screen (2) becomes "from the first row down". */
  private eraseDisplay(mode: number): void {
    if (mode === 0) {
      this.out += `${CSI}J`;
      return;
    }
    if (mode !== 2) return;
    const { row, col } = this;
    this.moveTo(0, 0);
    this.out += `${CSI}J`;
    this.moveTo(row, col);
  }

  private up(rows: number): void {
    const allowed = Math.min(rows, this.row);
    if (allowed > 0) this.out += `${CSI}${allowed}A`;
    this.row -= allowed;
    this.wrapPending = false;
  }

  /** IND rather than CUD: at the bottom of the screen it scrolls, so the row count stays true. */
  private down(rows: number): void {
    this.out += IND.repeat(rows);
    this.row += rows;
    this.wrapPending = false;
    this.noteRow();
  }

  private column(col: number): void {
    const target = Math.max(0, Math.min(this.width - 1, col));
    if (target === 0) {
      if (this.col !== 0 || this.wrapPending) this.out += '\r';
    } else {
      this.out += `${CSI}${target + 1}G`;
    }
    this.col = target;
    this.wrapPending = false;
  }

  private moveTo(row: number, col: number): void {
    const target = Math.max(0, row);
    if (target < this.row) this.up(this.row - target);
    else if (target > this.row) this.down(target - this.row);
    this.column(col);
  }
}

const BIDI_CONTROL = /^[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]$/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const WIDE = /^[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]$/u;

/** Cells a character takes on a terminal (as wcwidth has it, for the ranges that matter here). */
function cellWidth(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  return WIDE.test(char) ? 2 : 1;
}
