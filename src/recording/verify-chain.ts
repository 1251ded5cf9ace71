// A manifest's place in the relay's hash-chained audit log. The manifest names the seq of its
// `session.closed` entry and the hash of the entry before it; that entry carries the sha256 of
// the manifest's payload. So a manifest cannot be swapped, replayed or dropped from the record
// without the log disagreeing. Entries come from the log file itself or from a running relay.
import { sha256Hex, type AuditEntry } from '../contract/audit-chain.ts';
import { describeBrokenLink, scanAuditLog } from '../relay/server/store/audit-scan.ts';
import type { RelayClient } from '../relay/client/client.ts';
import type { SessionManifest } from '../contract/manifest.ts';

export type ChainEntries = {
  /** The entries at the asked seqs that the source has (a missing seq is simply absent). */
  found: Map<number, AuditEntry>;
  /** Why entries may be missing (e.g. where the log's own chain breaks). */
  note: string | null;
};

export type ChainSource = { label: string; entries(seqs: number[]): Promise<ChainEntries> };

/** An audit-log file, read through and checked link by link. */
export function auditLogFile(file: string): ChainSource {
  return {
    label: file,
    async entries(seqs) {
      const wanted = new Set(seqs);
      const found = new Map<number, AuditEntry>();
      const scan = await scanAuditLog(file, (entry) => {
        if (wanted.has(entry.seq)) found.set(entry.seq, entry);
      });
      return { found, note: scan.broken ? `the log's chain breaks at ${describeBrokenLink(file, scan.broken)}` : null };
    },
  };
}

/** A running relay's log (GET /v1/audit, as an auditor); each entry's own hash is re-checked. */
export function relayLog(client: Pick<RelayClient, 'audit' | 'url'>): ChainSource {
  return {
    label: `the relay at ${client.url}`,
    async entries(seqs) {
      const found = new Map<number, AuditEntry>();
      for (const seq of new Set(seqs)) {
        if (found.has(seq)) continue;
        const { entries } = await client.audit({ fromSeq: Math.max(1, seq - 1), toSeq: seq + 1, limit: 3 });
        for (const entry of entries) found.set(entry.seq, entry);
      }
      return { found, note: null };
    },
  };
}

/** Whether an entry's `hash` covers its content (the log line is the entry's JSON, hash last). */
export function entryIntact(entry: AuditEntry): boolean {
  const { hash, ...rest } = entry;
  return sha256Hex(JSON.stringify(rest)) === hash;
}

/** What is wrong with `manifest`'s place in the log, or [] when its links hold. */
export function chainProblems(manifest: SessionManifest, manifestSha256: string, { found: entries, note }: ChainEntries, label: string): string[] {
  const { seq, prev } = manifest.chain;
  const closed = entries.get(seq);
  if (!closed) return [`chain: ${label} has no entry #${seq}${note ? ` (${note})` : ''}`];
  const problems: string[] = [];
  if (!entryIntact(closed)) problems.push(`chain: ${label} entry #${seq} does not match its own hash`);
  if (closed.type !== 'session.closed' || closed.sessionId !== manifest.session) {
    const other = 'sessionId' in closed && typeof closed.sessionId === 'string' ? ` for session ${closed.sessionId}` : '';
    problems.push(`chain: ${label} entry #${seq} is ${closed.type}${other}, not the closing of session ${manifest.session}`);
  } else if (closed.manifestSha256 !== manifestSha256) {
    problems.push(`chain: ${label} entry #${seq} records manifest sha256 ${String(closed.manifestSha256)}, this manifest's is ${manifestSha256}`);
  }
  if (closed.prev !== prev) problems.push(`chain: manifest says the entry before #${seq} has hash ${prev}, ${label} says ${closed.prev}`);
  const before = entries.get(seq - 1);
  if (before && (before.hash !== prev || !entryIntact(before))) problems.push(`chain: ${label} entry #${seq - 1} is not the one the manifest links to`);
  return problems;
}
