// `hkubectl audit export`: everything an examiner takes away for a time range, in one directory
// or .tar.gz. Sessions are checked in one streaming pass, then copied and summarised one at a
// time in chronological order, so memory grows with the number of sessions (a small row each),
// never with the size of their recordings. A manifest whose .cast is missing is listed in the
// report, and so is every session the relay allowed that left no recording.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AuditEntry } from '../../relay/audit-chain.ts';
import type { MaskProfileName } from '../../masking/index.ts';
import { sessionsIn } from '../recordings-dir.ts';
import { rowOf, type SessionRow, type VerificationStatus } from '../session-model.ts';
import type { Jwks, SessionCheck } from '../verification.ts';
import { playerAssets } from '../web/assets.ts';
import { scriptSafeJson } from '../web/page.ts';
import { allowedWithoutRecording, checkChainLinks, checkSegment, type ChainLink } from './audit-segment.ts';
import { directorySink, tarGzSink, type BundleSink } from './bundle-sink.ts';
import { scanCast } from './cast-scan.ts';
import { offlinePage } from './offline-page.ts';
import { CSV_HEADER, csvLine, logLine } from './session-log.ts';
import { bundleReadme, reportText, type VerificationReport } from './report.ts';

export interface ExportRequest {
  dir: string;
  jwks: Jwks | null;
  /** The audit-log entries from `since` up to `upTo` (the range's end, or the last session's). */
  audit: ((upTo: Date) => Promise<AuditSegment>) | null;
  since: Date;
  until: Date;
  /** Subjects or emails; empty = everyone. */
  identities: string[];
  out: string;
  /** Recordings up to this size are embedded in index.html (default 1 MiB). */
  embedLimit?: number;
  now?: () => Date;
  progress?: (line: string) => void;
}

export interface AuditSegment {
  entries: AuditEntry[];
  truncated: boolean;
  source: string;
}

interface Selected {
  row: SessionRow;
  castPath: string | null;
  manifestPath: string | null;
  chain: ChainLink | null;
  profile: MaskProfileName | undefined;
}

export function isTarball(out: string): boolean {
  return /\.(tar\.gz|tgz)$/.test(out);
}

export async function exportBundle(request: ExportRequest): Promise<VerificationReport> {
  const now = request.now ?? (() => new Date());
  const progress = throttled(request.progress ?? (() => {}), now);
  const selected = await selectSessions(request, progress);
  selected.sort((a, b) => (a.row.startedAt ?? '').localeCompare(b.row.startedAt ?? '') || a.row.session.localeCompare(b.row.session));

  const generatedAt = now();
  const prefix = isTarball(request.out) ? `${basename(request.out).replace(/\.(tar\.gz|tgz)$/, '')}/` : '';
  const sink = isTarball(request.out) ? await tarGzSink(request.out, generatedAt) : await directorySink(request.out);
  try {
    const report = await writeBundle(request, selected, sink, prefix, generatedAt, progress);
    await sink.close();
    progress.done(`export: ${selected.length} sessions written to ${request.out}`);
    return report;
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

async function selectSessions(request: ExportRequest, progress: Progress): Promise<Selected[]> {
  const selected: Selected[] = [];
  const wanted = new Set(request.identities.map((id) => id.toLowerCase()));
  let seen = 0;
  for await (const check of sessionsIn(request.dir, request.jwks)) {
    seen += 1;
    progress(`export: checked ${seen} sessions, ${selected.length} in range`);
    const row = rowOf(check);
    if (row.startedAt === null && check.castPath) row.startedAt = (await scanCast(check.castPath, 0, 0, undefined)).startedAt;
    const at = row.startedAt === null ? Number.NaN : Date.parse(row.startedAt);
    if (!(at >= request.since.getTime() && at < request.until.getTime())) continue;
    if (wanted.size > 0 && !identitiesOf(check).some((id) => wanted.has(id.toLowerCase()))) continue;
    const chain = (check.payload?.chain ?? null) as { seq?: unknown; prev?: unknown } | null;
    const linked = chain && typeof chain.seq === 'number' && typeof chain.prev === 'string' && check.status === 'verified' && check.manifestSha256;
    selected.push({
      row,
      castPath: check.castPath,
      manifestPath: check.manifestPath,
      chain: linked ? { session: check.session, seq: chain.seq as number, prev: chain.prev as string, payloadSha256: check.manifestSha256! } : null,
      profile: (row.maskingProfile ?? undefined) as MaskProfileName | undefined,
    });
  }
  return selected;
}

function identitiesOf(check: SessionCheck): string[] {
  const identity = (check.payload?.identity ?? {}) as { subject?: unknown; email?: unknown };
  return [identity.subject, identity.email].filter((v): v is string => typeof v === 'string');
}

async function writeBundle(request: ExportRequest, selected: Selected[], sink: BundleSink, prefix: string, generatedAt: Date, progress: Progress): Promise<VerificationReport> {
  const assets = await playerAssets();
  const page = offlinePage(assets, `hkubectl evidence ${request.since.toISOString()} – ${request.until.toISOString()}`);
  const html = await sink.textFile(`${prefix}index.html`);
  const jsonl = await sink.textFile(`${prefix}session-log.jsonl`);
  const csv = await sink.textFile(`${prefix}session-log.csv`);
  const approvals = await sink.textFile(`${prefix}approvals.jsonl`);
  await csv.write(CSV_HEADER);
  await html.write(`${page.before}{"source":${scriptSafeJson(`evidence bundle generated ${generatedAt.toISOString()}`)},"sessions":[`);

  const embedLimit = request.embedLimit ?? 1024 * 1024;
  const byStatus: Partial<Record<VerificationStatus, number>> = {};
  const problems: VerificationReport['sessions'] = [];
  let written = 0;
  for (const item of selected) {
    const { row } = item;
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    if (row.status !== 'verified') problems.push({ session: row.session, status: row.status, problems: row.problems });
    if (item.manifestPath) await sink.addFile(`${prefix}sessions/${row.session}.manifest.json`, item.manifestPath);
    let scan = { markers: [] as { time: number; label: string }[], excerpt: '', text: null as string | null, problem: null as string | null };
    let castNote = row.status === 'missing-recording' ? `The recording named by this manifest is missing: ${row.problems.join('; ')}` : 'No recording.';
    if (item.castPath) {
      const { size } = await stat(item.castPath);
      await sink.addFile(`${prefix}sessions/${basename(item.castPath)}`, item.castPath);
      scan = await scanCast(item.castPath, size, embedLimit, item.profile);
      if (scan.text === null) castNote = `The recording is ${size} bytes, too large to embed here: play sessions/${basename(item.castPath)} with hkubectl replay or asciinema.`;
    }
    await jsonl.write(logLine(row, scan.excerpt));
    await csv.write(csvLine(row));
    if (row.requestId !== null) {
      await approvals.write(`${JSON.stringify({ session: row.session, startedAt: row.startedAt, identity: row.identity, command: row.command, requestId: row.requestId, approver: row.approver, justification: row.justification, rule: row.rule, risk: row.risk, verification: row.status })}\n`);
    }
    await html.write(`${written > 0 ? ',' : ''}${scriptSafeJson({ ...row, markers: scan.markers, excerpt: scan.excerpt, cast: scan.text, castNote })}`);
    written += 1;
    progress(`export: ${written}/${selected.length} sessions`);
  }
  await html.write(`]}${page.after}`);
  for (const file of [html, jsonl, csv, approvals]) await file.end();

  const report = await writeAudit(request, selected, sink, prefix);
  const full: VerificationReport = {
    hk: 1,
    generatedAt: generatedAt.toISOString(),
    range: { since: request.since.toISOString(), until: request.until.toISOString() },
    identities: request.identities,
    totals: { sessions: selected.length, byStatus },
    missingRecordings: selected.filter((s) => s.row.status === 'missing-recording').map((s) => s.row.session),
    sessions: problems,
    jwks: request.jwks ? request.jwks.keys.map((key) => String(key.kid)) : null,
    ...report,
  };
  await writeText(sink, `${prefix}verification-report.json`, `${JSON.stringify(full, null, 2)}\n`);
  await writeText(sink, `${prefix}verification-report.txt`, reportText(full));
  await writeText(sink, `${prefix}README.txt`, bundleReadme(full));
  return full;
}

async function writeAudit(request: ExportRequest, selected: Selected[], sink: BundleSink, prefix: string): Promise<Pick<VerificationReport, 'audit'>> {
  if (request.jwks) await writeText(sink, `${prefix}jwks.json`, `${JSON.stringify(request.jwks, null, 2)}\n`);
  if (!request.audit) return { audit: null };
  // A session that starts inside the range may close after its end; its entry is wanted too.
  const lastEnd = selected.reduce((latest, s) => Math.max(latest, Date.parse(s.row.endedAt ?? '') || 0), request.until.getTime());
  const { entries, truncated, source } = await request.audit(new Date(lastEnd));
  const log = await sink.textFile(`${prefix}audit-log.jsonl`);
  for (const entry of entries) await log.write(`${JSON.stringify(entry)}\n`);
  await log.end();
  const recorded = new Set(selected.filter((s) => s.castPath !== null).map((s) => s.row.session));
  const wanted = new Set(request.identities.map((id) => id.toLowerCase()));
  const relevant = wanted.size === 0 ? entries : entries.filter((entry) => {
    const requester = (entry.requester ?? {}) as { subject?: unknown; email?: unknown };
    return [requester.subject, requester.email].some((id) => typeof id === 'string' && wanted.has(id.toLowerCase()));
  });
  return {
    audit: {
      source,
      segment: checkSegment(entries, truncated),
      chainProblems: checkChainLinks(entries, selected.flatMap((s) => (s.chain ? [s.chain] : []))),
      allowedWithoutRecording: allowedWithoutRecording(relevant, recorded),
    },
  };
}

async function writeText(sink: BundleSink, name: string, text: string): Promise<void> {
  const file = await sink.textFile(name);
  await file.write(text);
  await file.end();
}

type Progress = ((line: string) => void) & { done(line: string): void };

/** At most one progress line a second, and always the last one. */
function throttled(write: (line: string) => void, now: () => Date): Progress {
  let last = 0;
  const progress = ((line: string) => {
    const at = now().getTime();
    if (at - last < 1000) return;
    last = at;
    write(line);
  }) as Progress;
  progress.done = write;
  return progress;
}
