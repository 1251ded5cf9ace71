// The bundle's verification report (JSON for tools, text for people) and its README.
import type { VerificationStatus } from '../session-model.ts';
import type { SegmentCheck } from './audit-segment.ts';
import { showUntrusted } from '../../contract/show-untrusted.ts';

export interface VerificationReport {
  hk: 1;
  generatedAt: string;
  range: { since: string; until: string };
  identities: string[];
  totals: { sessions: number; byStatus: Partial<Record<VerificationStatus, number>> };
  /** Sessions the relay did not observe (local mode): not tamper-proof, everything wrapper-reported. */
  localMode: string[];
  /** Requests in the range that never became a session (blocked, denied, expired), from the audit log; null without it. */
  refusedRequests: number | null;
  /** Sessions whose manifest names a .cast that is not there. */
  missingRecordings: string[];
  /** Every session that is not `verified`, with why. */
  sessions: Array<{ session: string; status: VerificationStatus; problems: string[] }>;
  /** Entries named like recordings or manifests that are not regular files (links, FIFOs…): not read. */
  skipped: Array<{ path: string; why: string }>;
  /** kids of the relay keys the manifests were checked against (null: no keys, nothing verified). */
  jwks: string[] | null;
  audit: null | {
    source: string;
    segment: SegmentCheck;
    chainProblems: string[];
    allowedWithoutRecording: Array<{ session: string; seq: number; ts: string; command: string }>;
  };
}

/**
 * What the bundle does not hold and therefore cannot show: an export without the relay's audit
 * log has no approval trail from the relay's side and no chain checks (manifests' places in the
 * log, allowed sessions that left no recording). Empty for a complete bundle.
 */
export function missingEvidence(report: VerificationReport): string[] {
  return report.audit === null ? [AUDIT_LOG_MISSING] : [];
}

export const AUDIT_LOG_MISSING =
  "the relay's audit log is not included, so the approval trails (requests, approvals, denials, expiries) and the chain checks (each manifest's place in the log, allowed sessions left unrecorded) are missing";

/** True when the bundle shows nothing altered, missing or skipped (a partial bundle can be clean: see missingEvidence). */
export function reportIsClean(report: VerificationReport): boolean {
  const audit = report.audit;
  return report.sessions.length === 0 && report.skipped.length === 0 && (audit === null || (audit.segment.broken === null && audit.chainProblems.length === 0 && audit.allowedWithoutRecording.length === 0));
}

export function reportText(report: VerificationReport): string {
  const lines = [
    `hkubectl evidence bundle — verification report (generated ${report.generatedAt})`,
    `range: ${report.range.since} to ${report.range.until}${report.identities.length ? `; identities: ${report.identities.join(', ')}` : ''}`,
    `relay keys: ${report.jwks ? report.jwks.join(', ') : 'NONE — signatures were not checked'}`,
    '',
    `sessions: ${report.totals.sessions}`,
    ...Object.entries(report.totals.byStatus).map(([status, n]) => `  ${status}: ${n}`),
    `refused requests (blocked, denied, expired; in the session log and index.html): ${report.refusedRequests ?? 'UNKNOWN — no audit log'}`,
  ];
  if (report.localMode.length > 0) {
    lines.push('', `LOCAL MODE: NOT TAMPER-PROOF (the relay did not observe these; everything about them is wrapper-reported): ${report.localMode.length}`, ...report.localMode.map((s) => `  ${s}`));
  }
  if (report.missingRecordings.length > 0) lines.push('', `MISSING RECORDINGS (manifest present, .cast absent): ${report.missingRecordings.length}`, ...report.missingRecordings.map((s) => `  ${s}`));
  if (report.skipped.length > 0) lines.push('', `SKIPPED (named like a recording, not a regular file): ${report.skipped.length}`, ...report.skipped.map((s) => `  ${showUntrusted(s.path)}: ${s.why}`));
  if (report.sessions.length > 0) lines.push('', 'sessions that did not verify:', ...report.sessions.map((s) => `  ${s.session}: ${s.status}${s.problems.length ? ` — ${s.problems.join('; ')}` : ''}`));
  const audit = report.audit;
  if (audit === null) {
    lines.push('', `audit log: NOT INCLUDED — ${AUDIT_LOG_MISSING} (export with --relay URL or --data DIR for a complete bundle)`);
  } else {
    const seg = audit.segment;
    lines.push('', `audit log (${audit.source}): ${seg.entries} entries${seg.firstSeq !== null ? `, #${seg.firstSeq}–#${seg.lastSeq}` : ''}`);
    if (seg.anchor) lines.push(`  continues from hash ${seg.anchor}`, `  head hash ${seg.head}`);
    lines.push(seg.broken ? `  CHAIN BROKEN at #${seg.broken.seq ?? '?'}: ${seg.broken.message}` : '  hash chain intact across the segment');
    if (seg.truncated) lines.push('  NOTE: the relay returned its maximum number of entries; the segment may start later than the range');
    for (const problem of audit.chainProblems) lines.push(`  CHAIN MISMATCH: ${problem}`);
    if (audit.allowedWithoutRecording.length > 0) {
      lines.push(`  ALLOWED BUT NOT RECORDED HERE: ${audit.allowedWithoutRecording.length}`);
      for (const m of audit.allowedWithoutRecording) lines.push(`    ${m.ts} #${m.seq} session ${m.session}: ${m.command}`);
    }
  }
  lines.push('', resultLine(report));
  return `${lines.join('\n')}\n`;
}

/** The report's verdict in one line: never "nothing missing" for a bundle that leaves something out. */
export function resultLine(report: VerificationReport): string {
  const missing = missingEvidence(report);
  if (!reportIsClean(report)) return `RESULT: PROBLEMS FOUND (see above)${missing.length > 0 ? `; and PARTIAL: ${missing.join('; ')}` : ''}.`;
  if (missing.length > 0) return `RESULT: PARTIAL — the sessions in the bundle verified, but ${missing.join('; ')}.`;
  return 'RESULT: every session verified; nothing missing.';
}

export function bundleReadme(report: VerificationReport): string {
  const missing = missingEvidence(report);
  const partial = missing.length === 0 ? '' : `
PARTIAL BUNDLE: ${missing.join('; ')}.
It was exported without an audit-log source; export again with --relay URL or --data DIR.
`;
  return `hkubectl evidence bundle
range ${report.range.since} to ${report.range.until}, generated ${report.generatedAt}
${partial}
index.html               open in a browser (works offline): sessions, approval trails, player
session-log.csv|.jsonl   chronological session log: identity, command, decision, approver, excerpt;
                         and the refused requests (blocked, denied, expired) with rule and message
approvals.jsonl          approval trails: request, approver, justification (denied and expired too)
sessions/<id>.cast       recordings (asciicast v2; play with \`hkubectl replay\` or \`asciinema play\`)
sessions/<id>.manifest.json  manifests signed by the relay (flattened JWS, EdDSA)
sessions/<id>.record.jsonl   the relay's own record of a gateway session (what crossed the
                         boundary), where it was beside the manifest; the manifest's
                         "observed.record" binds its sha256. A session without "observed",
                         or with mode "local", is local mode: not tamper-proof
jwks.json                the relay's public keys: any JOSE library verifies the manifests
audit-log.jsonl          ${report.audit === null ? '(NOT INCLUDED) ' : ''}the relay's audit-log segment; each line's "hash" is the sha256 of the
                         line without its hash field, and "prev" is the hash of the line before
checkpoints.jsonl        the relay's signed checkpoints of its log's head (JWS, EdDSA, typ
                         hk-checkpoint+json): a log shorter than one, or without its hash, was altered
verification-report.*    what was checked and what was found

Re-check independently: hkubectl replay sessions/<id>.cast --jwks jwks.json

Recordings are byte-for-byte what the relay signed. Those whose header has no "hk.stdout" were
made before pipe output was recorded with CR LF line ends: asciinema's own player draws their
lines as a staircase, while index.html and hkubectl replay draw them as the terminal showed them.
`;
}
