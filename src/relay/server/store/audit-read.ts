// Reading audit entries for people (`hkubectl audit log`, GET /v1/audit). Integrity is
// `audit verify`'s job; this reader only refuses lines it cannot parse or whose version it
// does not know, rather than guess at them.
import { AUDIT_LOG_VERSION, type AuditEntry } from '../../../contract/audit-chain.ts';
import { readLogLines } from './log-lines.ts';
import { ConfigError } from '../../../errors.ts';

export type ReadOptions = { since?: Date | null; limit?: number; upToSeq?: number; fromSeq?: number };

/** Every complete entry, oldest first, read a line at a time; a line it cannot read stops it with an error. */
export async function* auditEntries(file: string): AsyncGenerator<AuditEntry> {
  for await (const line of readLogLines(file)) {
    if (!line.terminated) return; // being written right now, or torn: not an entry yet
    let entry: AuditEntry;
    try {
      entry = JSON.parse(line.text) as AuditEntry;
    } catch {
      throw new ConfigError('ERR_AUDIT_LOG_UNREADABLE', `${file}: line at byte ${line.offset} is not JSON`, { hint: 'run hkubectl audit verify' });
    }
    if (entry.v !== AUDIT_LOG_VERSION) {
      throw new ConfigError('ERR_AUDIT_LOG_VERSION', `${file}: entry ${entry.seq} has audit-log version ${JSON.stringify(entry.v)}; this hkubectl reads version ${AUDIT_LOG_VERSION}`);
    }
    yield entry;
  }
}

/** The most recent `limit` entries at or after `since`, oldest first. */
export async function readAuditEntries(file: string, options: ReadOptions = {}): Promise<AuditEntry[]> {
  const since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const kept: AuditEntry[] = [];
  for await (const entry of auditEntries(file)) {
    if (options.upToSeq !== undefined && entry.seq > options.upToSeq) break;
    if (options.fromSeq !== undefined && entry.seq < options.fromSeq) continue;
    if (Date.parse(entry.ts) < since) continue;
    kept.push(entry);
    if (kept.length > limit) kept.shift();
  }
  return kept;
}

/** The first entry `match` accepts, or null (a rare-path lookup: it reads the log from the start). */
export async function findAuditEntry(file: string, contains: string, match: (entry: AuditEntry) => boolean): Promise<AuditEntry | null> {
  for await (const line of readLogLines(file)) {
    if (!line.terminated) break;
    if (!line.text.includes(contains)) continue;
    const entry = JSON.parse(line.text) as AuditEntry;
    if (match(entry)) return entry;
  }
  return null;
}
