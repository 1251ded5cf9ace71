// The export's second pass: the picked sessions in time order, each copied into the bundle and
// written to the session log (JSON lines and CSV), the approval trails and index.html as it
// comes, so no file is built in memory. The next few sessions' recordings are scanned while the
// current one is written. What is kept afterwards is what the audit check and the report need:
// record numbers of the verified manifests (by seq) and of the recorded sessions (by a hash of
// the id), read back from disk when an audit entry names them, and the sessions with problems.
import { lstat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { VerificationStatus } from '../session-model.ts';
import { relayRecordFileName } from '../../contract/relay-record.ts';
import { playerAssets } from '../web/assets.ts';
import { scriptSafeJson } from '../web/page.ts';
import type { ChainLink } from './audit-segment.ts';
import type { BundleSink } from './bundle-sink.ts';
import { scanCast, type CastScan } from './cast-scan.ts';
import { hash30, numberMultimap } from './compact-index.ts';
import { ordered } from './concurrency.ts';
import { offlinePage } from './offline-page.ts';
import { inTimeOrder, type Picked, type PickedSession } from './pick-sessions.ts';
import type { VerificationReport } from './report.ts';
import { approvalLine, CSV_HEADER, csvLine, logLine, refusalApprovalLine, refusalCsvLine, refusalLogLine } from './session-log.ts';
import type { RecordFile } from './record-file.ts';
import type { RefusalRow } from '../refusals.ts';

/** Sessions scanned ahead of the one being written (each holds at most one embeddable recording). */
const SCAN_AHEAD = 4;

export interface SessionsWritten {
  byStatus: VerificationReport['totals']['byStatus'];
  /** Sessions the relay did not observe: everything about them is wrapper-reported. */
  localMode: string[];
  missingRecordings: string[];
  problems: VerificationReport['sessions'];
  /** The verified manifests that name this audit-log seq as their session.closed entry. */
  linksAt(seq: number): Promise<ChainLink[]>;
  /** Whether the session's recording is in the bundle. */
  isRecorded(session: string): Promise<boolean>;
}

export interface WriteOptions {
  title: string;
  generatedAt: Date;
  /** Recordings up to this size are embedded in index.html. */
  embedLimit: number;
  prefix: string;
  progress: (line: string) => void;
  /** Requests in the range that never became a session, in time order (null: no audit log, none known). */
  refusals: RecordFile<RefusalRow> | null;
}

/** A session with its recording measured and scanned, ready to be written. */
interface Ready {
  index: number;
  session: PickedSession;
  cast: { size: number; scan: CastScan } | null;
}

export async function writeSessions(picked: Picked, sink: BundleSink, options: WriteOptions): Promise<SessionsWritten> {
  const { prefix } = options;
  const page = offlinePage(await playerAssets(), options.title);
  const files = {
    html: await sink.textFile(`${prefix}index.html`),
    jsonl: await sink.textFile(`${prefix}session-log.jsonl`),
    csv: await sink.textFile(`${prefix}session-log.csv`),
    approvals: await sink.textFile(`${prefix}approvals.jsonl`),
  };
  await files.csv.write(CSV_HEADER);
  const refusalsNote = options.refusals === null ? "Refused requests (blocked, denied, expired) are not shown: this bundle was exported without the relay's audit log." : null;
  await files.html.write(`${page.before}{"source":${scriptSafeJson(`evidence bundle generated ${options.generatedAt.toISOString()}`)},"refusalsNote":${scriptSafeJson(refusalsNote)},"sessions":[`);

  const links = numberMultimap();
  const recorded = numberMultimap();
  const read = (indexes: readonly number[]) => Promise.all(indexes.map((index) => picked.sessions.read(index)));
  const written: SessionsWritten = {
    byStatus: {}, localMode: [], missingRecordings: [], problems: [],
    async linksAt(seq) {
      return (await read(links.get(seq))).flatMap(({ row, place, manifestSha256 }) => (place && manifestSha256 ? [{ session: row.session, seq, prev: place.prev, payloadSha256: manifestSha256 }] : []));
    },
    async isRecorded(session) {
      return (await read(recorded.get(hash30(session)))).some(({ row }) => row.session === session);
    },
  };
  const ready = ordered(inTimeOrder(picked), SCAN_AHEAD, async ({ index, session }): Promise<Ready> => {
    if (!session.castPath) return { index, session, cast: null };
    // lstat: a recording is a regular file; the scan's own open refuses anything swapped in since.
    const info = await lstat(session.castPath);
    if (!info.isFile()) return { index, session, cast: null };
    return { index, session, cast: { size: info.size, scan: await scanCast(session.castPath, info.size, options.embedLimit, session.profile, session.terminal) } };
  });
  let count = 0;
  let bytes = 0;
  let items = 0;
  let nextRefusal = 0;
  /** Writes the refusals dated before `before` (all that remain when it is null). */
  const writeRefusals = async (before: string | null) => {
    const refusals = options.refusals;
    while (refusals !== null && nextRefusal < refusals.count) {
      const refusal = await refusals.read(nextRefusal);
      if (before !== null && !(refusal.at < before)) return;
      nextRefusal += 1;
      await files.jsonl.write(refusalLogLine(refusal));
      await files.csv.write(refusalCsvLine(refusal));
      if (refusal.requestId !== null) await files.approvals.write(refusalApprovalLine(refusal));
      await files.html.write(`${items > 0 ? ',' : ''}${scriptSafeJson(refusal)}`);
      items += 1;
    }
  };
  for await (const { index, session, cast } of ready) {
    const { row } = session;
    // An undated session is a finding listed first; refusals go by the time they were made.
    if (row.startedAt !== null) await writeRefusals(row.startedAt);
    const claimed = session.place ? picked.claims.problem(session.place) : null;
    if (claimed) {
      row.status = 'tampered';
      row.problems.push(claimed);
    }
    tally(written, row.session, row.status, row.problems);
    if (row.evidenceMode === 'local') written.localMode.push(row.session);
    if (session.place && session.manifestSha256 && row.status === 'verified') links.add(session.place.seq, index);
    if (session.manifestPath) await sink.addFile(`${prefix}sessions/${row.session}.manifest.json`, session.manifestPath);
    if (session.recordPath) await sink.addFile(`${prefix}sessions/${relayRecordFileName(row.session)}`, session.recordPath);
    let castNote = row.status === 'missing-recording' ? `The recording named by this manifest is missing: ${row.problems.join('; ')}` : 'No recording.';
    if (session.castPath && cast) {
      const name = basename(session.castPath);
      await sink.addFile(`${prefix}sessions/${name}`, session.castPath, cast.scan.bytes);
      bytes += cast.size;
      recorded.add(hash30(row.session), index);
      if (cast.scan.text === null) castNote = `The recording is ${cast.size} bytes, too large to embed here: play sessions/${name} with hkubectl replay or asciinema.`;
    }
    const excerpt = cast?.scan.excerpt ?? '';
    await files.jsonl.write(logLine(row, excerpt));
    await files.csv.write(csvLine(row));
    if (row.requestId !== null) await files.approvals.write(approvalLine(row));
    await files.html.write(`${items > 0 ? ',' : ''}${scriptSafeJson({ ...row, markers: cast?.scan.markers ?? [], excerpt, cast: cast?.scan.text ?? null, castNote })}`);
    items += 1;
    count += 1;
    options.progress(`export: writing sessions: ${count}/${picked.sessions.count}, ${byteSize(bytes)} of recordings`);
  }
  await writeRefusals(null);
  await files.html.write(`]}${page.after}`);
  for (const file of Object.values(files)) await file.end();
  return written;
}

export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function tally(written: SessionsWritten, session: string, status: VerificationStatus, problems: string[]): void {
  written.byStatus[status] = (written.byStatus[status] ?? 0) + 1;
  if (status === 'missing-recording') written.missingRecordings.push(session);
  if (status !== 'verified') written.problems.push({ session, status, problems });
}
