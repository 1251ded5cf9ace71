// One readable line per audit entry, for `hkubectl audit log`. Entries carry what agents sent
// (commands, reasons, names) and, in older logs, commands rendered before they were spelt out:
// the whole line goes through showUntrusted, so no entry can act on the auditor's terminal, and
// the free-text fields of gateway entries are quoted, so that none passes for the line's own words.
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
    case 'grant.issued':
      return `${head}session ${e.sessionId}: gateway grant for ${e.by?.subject} on cluster ${quoted(e.cluster)}, ${scopeText(e.scope)}, until ${e.expiresAt} (token sha256 ${e.tokenSha256})`;
    case 'gateway.refused':
      return `${head}session ${e.sessionId}: ${e.status} to ${e.by?.subject} on cluster ${quoted(e.cluster)}: ${quoted(e.method)} ${quoted(e.path)} ` +
        `(verb ${quoted(e.verb)}, resource ${quoted(e.resource)}, namespace ${quoted(e.namespace)}, name ${quoted(e.name)}) [${e.rule}]: ${quoted(e.message)}`;
    case 'gateway.refusals': {
      const rules = Object.entries(e.rules ?? {}).map(([rule, n]) => `${rule} ×${n}`).join(', ');
      const statuses = Object.entries(e.statuses ?? {}).map(([status, n]) => `${status} ×${n}`).join(', ');
      return `${head}session ${e.sessionId}: ${e.count} more gateway refusals to ${e.by?.subject} on cluster ${quoted(e.cluster)} from ${e.first} to ${e.last}, ` +
        `counted, not listed (rules ${rules}; statuses ${statuses})${e.final ? ', the last of the session' : ''}; each is in the session's relay record`;
    }
    case 'repair':
      return `${head}cut ${e.truncatedBytes} damaged bytes at byte ${e.truncatedAtByte} (sha256 ${e.truncatedSha256}): ${e.reason}`;
    default: {
      const { v, seq, ts, type, prev, hash, ...rest } = e;
      return `${head}${JSON.stringify(rest)}`;
    }
  }
}

/**
 * A field an agent controls (a request's path, a resource or object name, a message that echoes
 * them), quoted so that it cannot pass for the line's own words; showUntrusted then spells out
 * what a terminal would act on.
 */
function quoted(value: unknown): string {
  return JSON.stringify(String(value ?? ''));
}

/** A grant's scope as the relay decided it. */
function scopeText(scope: Loose['scope']): string {
  if (!scope) return 'no scope';
  const list = (value: unknown) => (value === '*' ? 'any' : Array.isArray(value) ? value.map(quoted).join(' ') || 'none' : '?');
  const connect = Array.isArray(scope.connect) && scope.connect.length > 0 ? `, connect ${list(scope.connect)}` : '';
  return `scope ${scope.verbClass} in namespaces ${list(scope.namespaces)} of resources ${list(scope.resources)}${connect}${scope.approved ? ', approved' : ''}`;
}

/** A recording the relay found unmasked secrets in is flagged wherever its entries are shown. */
function unmaskedNote(unmasked: Record<string, number> | undefined): string {
  const found = Object.entries(unmasked ?? {});
  return found.length === 0 ? '' : `; FLAGGED: unmasked ${found.map(([detector, n]) => `${detector} ×${n}`).join(', ')}`;
}
