// The audit-log segment read straight from a relay's store (its data directory), one line at a time, so an
// export over a long log holds one entry, not the log. Lines are refused as `audit log` refuses
// them (not JSON, a version this hkubectl does not know); whether they chain is checked later,
// in audit-segment.ts, like a segment from any source.
import type { AuditEntry } from '../../contract/audit-chain.ts';
import type { AuditStoreReader } from '../../relay/server/store/store.ts';

/** Entries stamped from `since` to `upTo` (both included), oldest first. */
export async function* auditEntriesBetween(store: Pick<AuditStoreReader, 'read'>, since: Date, upTo: Date): AsyncGenerator<AuditEntry> {
  for await (const entry of store.read()) {
    const at = Date.parse(entry.ts);
    if (at >= since.getTime() && at <= upTo.getTime()) yield entry;
  }
}
