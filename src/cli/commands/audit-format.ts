// One readable line per audit entry, for `hkubectl audit log`. Entries carry what agents sent
// (commands, reasons, names) and, in older logs, commands rendered before they were spelt out:
// the whole line goes through showUntrusted, so no entry can act on the auditor's terminal.
import type { AuditEntry } from '../../contract/audit-chain.ts';
import { showUntrusted } from '../../contract/show-untrusted.ts';

type Loose = AuditEntry & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function auditLine(entry: AuditEntry): string {
  return showUntrusted(describe(entry as Loose));
}

function describe(e: Loose): string {
  const head = `${e.ts}  #${e.seq}  ${e.type.padEnd(15)} `;
  switch (e.type) {
    case 'decision': {
      const who = e.requester?.subject ?? '?';
      const content = e.content ? `file contents sha256 ${e.content.sha256}, ${e.content.documents} documents` : '';
      const extra = [e.requestId ? `request ${e.requestId}` : '', e.consumes ? 'uses approval' : '', content, e.reason ? `reason "${e.reason}"` : ''].filter(Boolean).join(', ');
      return `${head}${String(e.outcome).toUpperCase().padEnd(8)}${who}: ${e.command}  [${e.rule}, risk ${e.risk?.score}]${extra ? `  ${extra}` : ''}`;
    }
    case 'review':
      return `${head}${String(e.verdict).toUpperCase().padEnd(8)}${e.by?.subject}: request ${e.requestId} (${e.command}): ${e.justification}`;
    case 'expire':
      return `${head}request ${e.requestId} (${e.command})`;
    case 'session.cast':
      return `${head}session ${e.sessionId}: relay copy of the recording, ${e.size} bytes, sha256 ${e.sha256} (from ${e.by?.subject})${unmaskedNote(e.unmasked)}`;
    case 'session.closed': {
      const cast = e.castSha256 ? `cast sha256 ${e.castSha256}${e.relayCopy ? ' (relay holds a copy)' : ''}` : 'not recorded';
      return `${head}session ${e.sessionId}: ${e.command} exited ${e.exitCode}${e.signal ? ` (${e.signal})` : ''}; manifest sha256 ${e.manifestSha256} signed by ${e.kid}; ${cast}${unmaskedNote(e.unmasked)}`;
    }
    case 'upload.refused':
      return `${head}session ${e.sessionId}: recording refused (${e.code}, ${e.bytes} bytes, from ${e.by?.subject}): ${e.reason}`;
    case 'quota.exceeded':
      return `${head}${e.by?.subject}: ${e.quota} quota reached (${e.used} of ${e.limit} on ${e.day})${e.sessionId ? `, session ${e.sessionId}` : ''}${e.command ? `, ${e.command}` : ''}`;
    case 'repair':
      return `${head}cut ${e.truncatedBytes} damaged bytes at byte ${e.truncatedAtByte} (sha256 ${e.truncatedSha256}): ${e.reason}`;
    default: {
      const { v, seq, ts, type, prev, hash, ...rest } = e;
      return `${head}${JSON.stringify(rest)}`;
    }
  }
}

/** A recording the relay found unmasked secrets in is flagged wherever its entries are shown. */
function unmaskedNote(unmasked: Record<string, number> | undefined): string {
  const found = Object.entries(unmasked ?? {});
  return found.length === 0 ? '' : `; FLAGGED: unmasked ${found.map(([detector, n]) => `${detector} ×${n}`).join(', ')}`;
}
