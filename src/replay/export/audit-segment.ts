// The audit-log segment that covers an export's time range, and what it proves: that its entries
// form one unbroken hash chain, that every signed manifest's `chain` points at the matching
// `session.closed` entry, and which allowed sessions left no recording in the bundle (the
// relay's record of what a wrapper may have skipped).
import { checkLine, type AuditEntry } from '../../relay/audit-chain.ts';

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

export function checkSegment(entries: readonly AuditEntry[], truncated: boolean): SegmentCheck {
  let broken: SegmentCheck['broken'] = null;
  let prev = entries[0]?.prev ?? null;
  let seq = entries[0]?.seq ?? 0;
  for (const entry of entries) {
    // Re-serialising a parsed line gives back its text: the log writes JSON.stringify output.
    const result = checkLine(JSON.stringify(entry), { seq, prev: prev! });
    if ('problem' in result) {
      broken = result.problem;
      break;
    }
    prev = entry.hash;
    seq += 1;
  }
  return {
    entries: entries.length,
    firstSeq: entries[0]?.seq ?? null,
    lastSeq: entries.at(-1)?.seq ?? null,
    anchor: entries[0]?.prev ?? null,
    head: entries.at(-1)?.hash ?? null,
    broken,
    truncated,
  };
}

export interface ChainLink {
  session: string;
  seq: number;
  prev: string;
  /** sha256 (hex) of the signed payload bytes, as the `session.closed` entry records it. */
  payloadSha256: string;
}

/** Problems with a signed manifest's place in the chain, for sessions whose entry is in the segment. */
export function checkChainLinks(entries: readonly AuditEntry[], links: Iterable<ChainLink>): string[] {
  const bySeq = new Map(entries.map((entry) => [entry.seq, entry]));
  const problems: string[] = [];
  for (const link of links) {
    const entry = bySeq.get(link.seq);
    if (!entry) continue;
    if (entry.prev !== link.prev) problems.push(`session ${link.session}: manifest says audit entry #${link.seq} follows ${link.prev}, the log says ${entry.prev}`);
    if (entry.type !== 'session.closed' || entry.sessionId !== link.session) {
      problems.push(`session ${link.session}: audit entry #${link.seq} is ${entry.type} ${String(entry.sessionId ?? '')}, not this session's session.closed`.replace(/ +,/, ','));
    } else if (entry.manifestSha256 !== link.payloadSha256) {
      problems.push(`session ${link.session}: audit entry #${link.seq} records manifest ${String(entry.manifestSha256)}, the bundle's manifest is ${link.payloadSha256}`);
    }
  }
  return problems;
}

/** Sessions the relay allowed (decision events with a sessionId) that have no recording here. */
export function allowedWithoutRecording(entries: readonly AuditEntry[], recorded: ReadonlySet<string>): Array<{ session: string; seq: number; ts: string; command: string }> {
  const missing = [];
  for (const entry of entries) {
    if (entry.type !== 'decision' || entry.outcome !== 'allow' || typeof entry.sessionId !== 'string') continue;
    if (entry.record === false || recorded.has(entry.sessionId)) continue;
    missing.push({ session: entry.sessionId, seq: entry.seq, ts: entry.ts, command: String(entry.command ?? '') });
  }
  return missing;
}
