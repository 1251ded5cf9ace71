// Walks an audit log from the first line, checking every link of the chain. Used when the relay
// starts (to rebuild its state), by `hkubectl audit verify` and by `hkubectl audit log`.
import { access, stat } from 'node:fs/promises';
import { checkLine, GENESIS, type AuditEntry } from '../../../contract/audit-chain.ts';
import { readLogLines, type LogLine } from './log-lines.ts';
import type { ChainHead } from './store.ts';

export type { ChainHead } from './store.ts';

export type BrokenLink = {
  /** 1-based line number in the file. */
  lineNumber: number;
  /** Byte offset where the bad line starts: everything before it is a valid chain. */
  offset: number;
  /** Bytes from the bad line to the end of the file. */
  bytesFromHere: number;
  /** True when the bad line is the file's last one: what a crash mid-write leaves. */
  isLast: boolean;
  seq: number | null;
  message: string;
};

export type ScanResult = { head: ChainHead; entries: number; broken: BrokenLink | null };

export async function logExists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

/** Calls `onEntry` for each valid entry in order, stopping at the first broken link. */
export async function scanAuditLog(file: string, onEntry: (entry: AuditEntry) => void = () => {}): Promise<ScanResult> {
  let head: ChainHead = { seq: 0, hash: GENESIS };
  let entries = 0;
  let lineNumber = 0;
  let previous: LogLine | null = null;
  let broken: BrokenLink | null = null;
  const size = (await stat(file)).size;
  const judge = (line: LogLine, isLast: boolean): boolean => {
    lineNumber += 1;
    const checked = line.terminated
      ? checkLine(line.text, { seq: head.seq + 1, prev: head.hash })
      : { problem: { seq: null, message: 'has no newline at its end (written in part: the writer died mid-line)' } };
    if ('problem' in checked) {
      broken = { lineNumber, offset: line.offset, bytesFromHere: Math.max(0, size - line.offset), isLast, ...checked.problem };
      return false;
    }
    head = { seq: checked.entry.seq, hash: checked.entry.hash };
    entries += 1;
    onEntry(checked.entry);
    return true;
  };
  // One line of look-ahead tells whether a bad line is the last one.
  for await (const line of readLogLines(file)) {
    if (previous !== null && !judge(previous, false)) return { head, entries, broken };
    previous = line;
  }
  if (previous !== null) judge(previous, true);
  return { head, entries, broken };
}

export function describeBrokenLink(file: string, link: BrokenLink): string {
  const where = link.seq === null ? `line ${link.lineNumber}` : `line ${link.lineNumber} (seq ${link.seq})`;
  return `${file}: ${where} ${link.message}`;
}
