// The audit-log segment that covers an export's time range, and what it proves: that its entries
// form one unbroken hash chain, that every signed manifest's `chain` points at the matching
// `session.closed` entry, and which allowed sessions left no recording in the bundle (the
// relay's record of what a wrapper may have skipped). Entries are taken one at a time, as they
// are copied into the bundle, so a long segment is never held whole.
import { checkLine, type AuditEntry } from '../../contract/audit-chain.ts';

export interface SegmentCheck {
  entries: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The hash the first entry continues from (anchor to a previous export). */
  anchor: string | null;
  head: string | null;
  broken: { seq: number | null; message: string } | null;
  truncated: boolean;
}

/** Follows the hash chain entry by entry; `result` says where it broke, if it did. */
export function segmentChecker() {
  let check: Omit<SegmentCheck, 'truncated'> = { entries: 0, firstSeq: null, lastSeq: null, anchor: null, head: null, broken: null };
  let expected: { seq: number; prev: string } | null = null;
  return {
    add(entry: AuditEntry): void {
      if (check.entries === 0) {
        check = { ...check, firstSeq: entry.seq, anchor: entry.prev };
        expected = { seq: entry.seq, prev: entry.prev };
      }
      check.entries += 1;
      check.lastSeq = entry.seq;
      check.head = entry.hash;
      if (check.broken !== null) return;
      // Re-serialising a parsed line gives back its text: the log writes JSON.stringify output.
      const result = checkLine(JSON.stringify(entry), expected!);
      if ('problem' in result) check.broken = result.problem;
      else expected = { seq: expected!.seq + 1, prev: entry.hash };
    },
    result(truncated: boolean): SegmentCheck {
      return { ...check, truncated };
    },
  };
}

export interface ChainLink {
  session: string;
  seq: number;
  prev: string;
  /** sha256 (hex) of the signed payload bytes, as the `session.closed` entry records it. */
  payloadSha256: string;
}

/** Problems with a signed manifest's place in the chain, given the entry at the seq it names. */
export function chainLinkProblems(link: ChainLink, entry: AuditEntry): string[] {
  const problems: string[] = [];
  if (entry.prev !== link.prev) problems.push(`session ${link.session}: manifest says audit entry #${link.seq} follows ${link.prev}, the log says ${entry.prev}`);
  if (entry.type !== 'session.closed' || entry.sessionId !== link.session) {
    problems.push(`session ${link.session}: audit entry #${link.seq} is ${entry.type} ${'sessionId' in entry ? String(entry.sessionId ?? '') : ''}, not this session's session.closed`.replace(/ +,/, ','));
  } else if (entry.manifestSha256 !== link.payloadSha256) {
    problems.push(`session ${link.session}: audit entry #${link.seq} records manifest ${String(entry.manifestSha256)}, the bundle's manifest is ${link.payloadSha256}`);
  }
  return problems;
}

export interface AllowedSession {
  session: string;
  seq: number;
  ts: string;
  command: string;
}

/** The session a decision entry allowed and asked to be recorded, if it is one. */
export function allowedSessionOf(entry: AuditEntry): AllowedSession | null {
  if (entry.type !== 'decision' || entry.outcome !== 'allow' || typeof entry.sessionId !== 'string' || entry.record === false) return null;
  return { session: entry.sessionId, seq: entry.seq, ts: entry.ts, command: String(entry.command ?? '') };
}
