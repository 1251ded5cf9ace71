// The export's refusals: the requests in the range that never became a session (blocked, denied,
// expired), read from the audit-log segment before the sessions are written, so that the session
// log and index.html hold them in time order among the sessions. They wait on disk (an agent can
// be refused many times), in the log's order, which is time order.
import type { AuditSegment } from './write-audit.ts';
import { recordFile, type RecordFile } from './record-file.ts';
import { refusalFolder, type RefusalRow } from '../refusals.ts';

export async function refusalRecords(segment: AuditSegment, range: { since: Date; until: Date; identities: string[] }): Promise<RecordFile<RefusalRow>> {
  const wanted = new Set(range.identities.map((id) => id.toLowerCase()));
  const records = await recordFile<RefusalRow>('refusals');
  try {
    const folder = refusalFolder();
    for await (const entry of segment.entries) {
      const row = folder.add(entry);
      if (row === null) continue;
      const at = Date.parse(row.at);
      if (!(at >= range.since.getTime() && at < range.until.getTime())) continue;
      if (wanted.size > 0 && ![row.identity, row.subject].some((id) => id !== null && wanted.has(id.toLowerCase()))) continue;
      await records.append(row);
    }
    return records;
  } catch (error) {
    await records.remove();
    throw error;
  }
}
