// The audit-log segment read straight from a relay's data directory, one line at a time, so an
// export over a long log holds one entry, not the log. Lines are refused as `audit log` refuses
// them (not JSON, a version this hkubectl does not know); whether they chain is checked later,
// in audit-segment.ts, like a segment from any source.
import { ConfigError } from '../../errors.ts';
import { AUDIT_LOG_VERSION, type AuditEntry } from '../../relay/audit-chain.ts';
import { readLogLines } from '../../relay/log-lines.ts';

/** Entries stamped from `since` to `upTo` (both included), oldest first. */
export async function* auditEntriesBetween(file: string, since: Date, upTo: Date): AsyncGenerator<AuditEntry> {
  for await (const line of readLogLines(file)) {
    if (!line.terminated) break; // being written right now, or torn: not an entry yet
    let entry: AuditEntry;
    try {
      entry = JSON.parse(line.text) as AuditEntry;
    } catch {
      throw new ConfigError('ERR_AUDIT_LOG_UNREADABLE', `${file}: line at byte ${line.offset} is not JSON`, { hint: 'run hkubectl audit verify' });
    }
    if (entry.v !== AUDIT_LOG_VERSION) {
      throw new ConfigError('ERR_AUDIT_LOG_VERSION', `${file}: entry ${entry.seq} has audit-log version ${JSON.stringify(entry.v)}; this hkubectl reads version ${AUDIT_LOG_VERSION}`);
    }
    const at = Date.parse(entry.ts);
    if (at >= since.getTime() && at <= upTo.getTime()) yield entry;
  }
}
