// Reading audit entries for people (`hkubectl audit log`, GET /v1/audit). Integrity is
// `audit verify`'s job; this reader only refuses lines it cannot parse or whose version it
// does not know, rather than guess at them.
import { AUDIT_LOG_VERSION, type AuditEntry } from '../../../contract/audit-chain.ts';
import { readLogLines } from './log-lines.ts';
import { ConfigError } from '../../../errors.ts';
import type { AuditStoreReader, SeqRange } from './store.ts';

export type ReadOptions = { since?: Date | null; limit?: number; upToSeq?: number; fromSeq?: number };

// Every line starts `{"v":1,"seq":N,` (sealEntry writes them so): a range read skips the lines
// before it without parsing them.
const SEQ_PREFIX = /^\{"v":\d+,"seq":(\d+),/;

/**
 * Every complete entry within `range`, oldest first, read a line at a time; a line it cannot
 * read stops it with an error.
 */
export async function* auditEntries(file: string, range: SeqRange = {}): AsyncGenerator<AuditEntry> {
  const from = range.fromSeq ?? 1;
  const to = range.toSeq ?? Number.POSITIVE_INFINITY;
  for await (const line of readLogLines(file)) {
    if (!line.terminated) return; // being written right now, or torn: not an entry yet
    const prefix = SEQ_PREFIX.exec(line.text);
    if (prefix) {
      const seq = Number(prefix[1]);
      if (seq < from) continue;
      if (seq > to) return;
    }
    let entry: AuditEntry;
    try {
      entry = JSON.parse(line.text) as AuditEntry;
    } catch {
      throw new ConfigError('ERR_AUDIT_LOG_UNREADABLE', `${file}: line at byte ${line.offset} is not JSON`, { hint: 'run hkubectl audit verify' });
    }
    if (entry.v !== AUDIT_LOG_VERSION) {
      throw new ConfigError('ERR_AUDIT_LOG_VERSION', `${file}: entry ${entry.seq} has audit-log version ${JSON.stringify(entry.v)}; this hkubectl reads version ${AUDIT_LOG_VERSION}`);
    }
    if (entry.seq < from) continue;
    if (entry.seq > to) return;
    yield entry;
  }
}

/** The most recent `limit` entries at or after `since` from `store`, oldest first. */
export async function readAuditEntries(store: Pick<AuditStoreReader, 'read'>, options: ReadOptions = {}): Promise<AuditEntry[]> {
  const since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const kept: AuditEntry[] = [];
  const range: SeqRange = { ...(options.fromSeq === undefined ? {} : { fromSeq: options.fromSeq }), ...(options.upToSeq === undefined ? {} : { toSeq: options.upToSeq }) };
  for await (const entry of store.read(range)) {
    if (Date.parse(entry.ts) < since) continue;
    kept.push(entry);
    if (kept.length > limit) kept.shift();
  }
  return kept;
}
