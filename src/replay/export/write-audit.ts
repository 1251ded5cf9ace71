// The export's last pass over data: the audit-log segment, copied into the bundle entry by entry
// and checked as it goes (hash chain, the manifests' links into it, allowed sessions with no
// recording), so a segment of any length costs the memory of one entry. A session's chain link
// and whether it was recorded are read back from disk when an entry names it.
import type { AuditEntry } from '../../contract/audit-chain.ts';
import { allowedSessionOf, chainLinkProblems, segmentChecker, type AllowedSession } from './audit-segment.ts';
import type { BundleSink } from './bundle-sink.ts';
import type { VerificationReport } from './report.ts';
import type { SessionsWritten } from './write-sessions.ts';

export interface AuditSegment {
  /** Oldest first; read once. */
  entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>;
  truncated: boolean;
  source: string;
}

export async function writeAudit(segment: AuditSegment, identities: string[], written: SessionsWritten, sink: BundleSink, prefix: string): Promise<NonNullable<VerificationReport['audit']>> {
  const wanted = new Set(identities.map((id) => id.toLowerCase()));
  const requestedByWanted = (entry: AuditEntry) => {
    const requester = ('requester' in entry ? entry.requester ?? {} : {}) as { subject?: unknown; email?: unknown };
    return [requester.subject, requester.email].some((id) => typeof id === 'string' && wanted.has(id.toLowerCase()));
  };
  const chain = segmentChecker();
  const chainProblems: string[] = [];
  const allowedWithoutRecording: AllowedSession[] = [];
  const log = await sink.textFile(`${prefix}audit-log.jsonl`);
  for await (const entry of segment.entries) {
    await log.write(`${JSON.stringify(entry)}\n`);
    chain.add(entry);
    for (const link of await written.linksAt(entry.seq)) chainProblems.push(...chainLinkProblems(link, entry));
    const allowed = allowedSessionOf(entry);
    if (allowed && (wanted.size === 0 || requestedByWanted(entry)) && !(await written.isRecorded(allowed.session))) allowedWithoutRecording.push(allowed);
  }
  await log.end();
  return { source: segment.source, segment: chain.result(segment.truncated), chainProblems, allowedWithoutRecording };
}
