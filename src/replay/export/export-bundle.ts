// `hkubectl audit export`: everything an examiner takes away for a time range, in one directory
// or .tar.gz, in memory that stays nearly flat however many sessions the range holds:
//   1. every session in the directory is verified, a few at a time, and those picked are parked
//      on disk (pick-sessions.ts);
//   2. in time order, each is copied and written to the session log, approval trails and
//      index.html as it comes (write-sessions.ts);
//   3. the audit-log segment is copied and checked entry by entry (write-audit.ts).
// Kept in memory per session: its start time and a few record numbers (the records themselves
// wait in a temporary file), a few dozen bytes; plus a report line for each session with a
// problem. A manifest whose .cast is missing is listed in the report, and so is every session
// the relay allowed that left no recording.
import { basename } from 'node:path';
import type { Jwks } from '../verification.ts';
import { directorySink, tarGzSink, type BundleSink } from './bundle-sink.ts';
import { pickSessions } from './pick-sessions.ts';
import { bundleReadme, reportText, type VerificationReport } from './report.ts';
import { writeAudit, type AuditSegment } from './write-audit.ts';
import { writeSessions } from './write-sessions.ts';
import { writeCheckpoints } from './write-checkpoints.ts';
import { refusalRecords } from './refusal-records.ts';
import type { SignedCheckpoint } from '../../contract/checkpoint.ts';

export type { AuditSegment } from './write-audit.ts';

export interface ExportRequest {
  dir: string;
  jwks: Jwks | null;
  /** The audit-log entries from `since` up to `upTo` (the range's end, or the last session's). */
  audit: ((upTo: Date) => Promise<AuditSegment>) | null;
  /** The relay's signed checkpoints of its log's head, copied as they are (checkpoints.jsonl). */
  checkpoints?: (() => AsyncIterable<SignedCheckpoint> | Promise<SignedCheckpoint[]>) | null;
  since: Date;
  until: Date;
  /** Subjects or emails; empty = everyone. */
  identities: string[];
  out: string;
  /** Recordings up to this size are embedded in index.html (default 1 MiB). */
  embedLimit?: number;
  now?: () => Date;
  /** How far the export is, a line at a time (at most a few a second); the caller says where, if anywhere. */
  progress?: (line: string) => void;
}

export function isTarball(out: string): boolean {
  return /\.(tar\.gz|tgz)$/.test(out);
}

export async function exportBundle(request: ExportRequest): Promise<VerificationReport> {
  const now = request.now ?? (() => new Date());
  const progress = throttled(request.progress ?? (() => {}), now);
  const picked = await pickSessions(request, progress);
  // The audit segment is read twice: first for the refusals, which the session log holds among
  // the sessions in time order; then, after the sessions are written, to be copied and checked.
  let refusals: Awaited<ReturnType<typeof refusalRecords>> | null = null;
  try {
    refusals = request.audit ? await refusalRecords(await request.audit(new Date(picked.lastEnd)), request) : null;
    const generatedAt = now();
    const prefix = isTarball(request.out) ? `${basename(request.out).replace(/\.(tar\.gz|tgz)$/, '')}/` : '';
    const sink = isTarball(request.out) ? await tarGzSink(request.out, generatedAt) : await directorySink(request.out);
    try {
      const written = await writeSessions(picked, sink, {
        title: `hkubectl evidence ${request.since.toISOString()} – ${request.until.toISOString()}`,
        generatedAt, embedLimit: request.embedLimit ?? 1024 * 1024, prefix, progress, refusals,
      });
      if (request.jwks) await writeText(sink, `${prefix}jwks.json`, `${JSON.stringify(request.jwks, null, 2)}\n`);
      if (request.checkpoints) await writeCheckpoints(await request.checkpoints(), sink, prefix);
      const audit = request.audit ? await writeAudit(await request.audit(new Date(picked.lastEnd)), request.identities, written, sink, prefix) : null;
      const report: VerificationReport = {
        hk: 1,
        generatedAt: generatedAt.toISOString(),
        range: { since: request.since.toISOString(), until: request.until.toISOString() },
        identities: request.identities,
        totals: { sessions: picked.sessions.count, byStatus: written.byStatus },
        localMode: written.localMode,
        refusedRequests: refusals === null ? null : refusals.count,
        missingRecordings: written.missingRecordings,
        sessions: written.problems,
        skipped: picked.skipped.map(({ path, why }) => ({ path, why })),
        jwks: request.jwks ? request.jwks.keys.map((key) => String(key.kid)) : null,
        audit,
      };
      await writeText(sink, `${prefix}verification-report.json`, `${JSON.stringify(report, null, 2)}\n`);
      await writeText(sink, `${prefix}verification-report.txt`, reportText(report));
      await writeText(sink, `${prefix}README.txt`, bundleReadme(report));
      await sink.close();
      return report;
    } catch (error) {
      await sink.abort();
      throw error;
    }
  } finally {
    await picked.remove();
    await refusals?.remove();
  }
}

async function writeText(sink: BundleSink, name: string, text: string): Promise<void> {
  const file = await sink.textFile(name);
  await file.write(text);
  await file.end();
}

/** At most one progress line every quarter second, except that each new phase shows at once. */
function throttled(write: (line: string) => void, now: () => Date): (line: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  let phase = '';
  return (line: string) => {
    const at = now().getTime();
    const linePhase = line.slice(0, line.indexOf(':', line.indexOf(':') + 1));
    if (at - last < 250 && linePhase === phase) return;
    last = at;
    phase = linePhase;
    write(line);
  };
}
