// The export's first pass: every session in the recordings directory is verified (a few at a
// time, in whatever order the directory gives them), and those in the range and of the wanted
// identities are parked on disk to be written in time order. Memory keeps each picked session's
// start time and where its record is, and each signed manifest's seq (chain-claims.ts).
import { PROFILE_NAMES, type MaskProfileName } from '../../masking/index.ts';
import { rowOf, type SessionRow } from '../session-model.ts';
import type { Jwks, SessionCheck } from '../verification.ts';
import { castStartedAt } from './cast-scan.ts';
import { chainClaims, chainPlaceOf, type ChainClaims, type ChainPlace } from './chain-claims.ts';
import { checkedSessions } from './directory-checks.ts';
import { recordedTerminal } from '../display-cast.ts';
import type { SkippedFile } from '../../recording/session-files.ts';
import { growableArray, recordFile, type RecordFile } from './record-file.ts';

/** A session picked for the bundle, as it waits on disk. */
export interface PickedSession {
  row: SessionRow;
  castPath: string | null;
  manifestPath: string | null;
  /** The relay's record of a gateway session, when it sits beside the manifest. */
  recordPath?: string | null;
  /** Where the signed manifest says its session.closed entry is (null unless its signature verified). */
  place: ChainPlace | null;
  /** sha256 of the signed payload bytes (what that entry records). */
  manifestSha256: string | null;
  profile: MaskProfileName | undefined;
  /** Whether the manifest says kubectl ran in a pseudo-terminal (how to draw an older recording). */
  terminal: boolean | null;
}

export interface Picked {
  sessions: RecordFile<PickedSession>;
  /** Start time (ms) of each picked session, by record number. */
  startTimes: ReturnType<typeof growableArray>;
  claims: ChainClaims;
  /** Entries named like sessions' files that are not regular files: not read, reported. */
  skipped: SkippedFile[];
  /** The latest end of a picked session (ms), or the range's end if later. */
  lastEnd: number;
  remove(): Promise<void>;
}

export interface PickRequest {
  dir: string;
  jwks: Jwks | null;
  since: Date;
  until: Date;
  /** Subjects or emails; empty = everyone. */
  identities: string[];
}

export async function pickSessions(request: PickRequest, progress: (line: string) => void): Promise<Picked> {
  const sessions = await recordFile<PickedSession>('sessions');
  const claims = await chainClaims().catch(async (error: unknown) => {
    await sessions.remove();
    throw error;
  });
  const remove = async () => {
    await sessions.remove();
    await claims.remove();
  };
  try {
    const startTimes = growableArray(Float64Array);
    const wanted = new Set(request.identities.map((id) => id.toLowerCase()));
    let lastEnd = request.until.getTime();
    let seen = 0;
    const skipped: SkippedFile[] = [];
    for await (const check of checkedSessions(request.dir, request.jwks, (entry) => skipped.push(entry))) {
      seen += 1;
      progress(`export: verifying recordings: ${seen} checked, ${sessions.count} in the range`);
      // Claims count across the whole directory, picked or not: a copy outside the range still
      // makes the manifest inside it suspect.
      const place = chainPlaceOf(check);
      if (place) await claims.add(check.session, place);
      const row = rowOf(check);
      if (row.startedAt === null && check.castPath) row.startedAt = await castStartedAt(check.castPath);
      const at = row.startedAt === null ? Number.NaN : Date.parse(row.startedAt);
      // A session that did not verify and cannot be dated (its manifest unreadable, its .cast no
      // asciicast) may belong to any range: it is a finding of every export, listed first.
      const undatedFinding = Number.isNaN(at) && check.status !== 'verified' && wanted.size === 0;
      if (!undatedFinding && !(at >= request.since.getTime() && at < request.until.getTime())) continue;
      if (wanted.size > 0 && !identitiesOf(check).some((id) => wanted.has(id.toLowerCase()))) continue;
      // A session that starts inside the range may close after its end; its audit entry is wanted too.
      lastEnd = Math.max(lastEnd, Date.parse(row.endedAt ?? '') || 0);
      startTimes.push(undatedFinding ? request.since.getTime() : at);
      await sessions.append({
        row,
        castPath: check.castPath,
        manifestPath: check.manifestPath,
        // Only a record the signed manifest binds is evidence worth carrying.
        recordPath: check.evidence?.relayRecord ? (check.recordPath ?? null) : null,
        place,
        manifestSha256: check.manifestSha256 ?? null,
        profile: excerptProfile(row.maskingProfile),
        terminal: recordedTerminal(check),
      });
    }
    return { sessions, startTimes, claims, skipped, lastEnd, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** The picked sessions by start time, then session id, with their record numbers. */
export async function* inTimeOrder(picked: Picked): AsyncGenerator<{ index: number; session: PickedSession }> {
  const { sessions, startTimes } = picked;
  const order = new Uint32Array(sessions.count).map((_, i) => i);
  order.sort((a, b) => startTimes.at(a) - startTimes.at(b) || a - b);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && startTimes.at(order[end]!) === startTimes.at(order[start]!)) end += 1;
    const run: Array<{ index: number; session: PickedSession }> = [];
    for (let i = start; i < end; i += 1) run.push({ index: order[i]!, session: await sessions.read(order[i]!) });
    // Sessions that began in the same millisecond go by id: the order the directory gave them
    // in is arbitrary. (Only such a run is read ahead, and runs are short.)
    run.sort((a, b) => (a.session.row.session < b.session.row.session ? -1 : a.session.row.session > b.session.row.session ? 1 : 0));
    yield* run;
    start = end;
  }
}

function identitiesOf(check: SessionCheck): string[] {
  const identity = (check.payload?.identity ?? {}) as { subject?: unknown; email?: unknown };
  return [identity.subject, identity.email].filter((v): v is string => typeof v === 'string');
}

/**
 * The profile an excerpt is masked with: the manifest's when it names one this hkubectl knows; an
 * unknown (or hostile) name is a finding of verification, and its excerpt is masked strictly.
 */
function excerptProfile(named: string | null): MaskProfileName | undefined {
  if (named === null) return undefined;
  return (PROFILE_NAMES as readonly string[]).includes(named) ? (named as MaskProfileName) : 'strict';
}
