// `hkubectl verify`: for each session, is the manifest signed by the relay, does the .cast beside
// it still hash to what was signed, does the .cast's header name the same session, and (given the
// relay's audit log) does the manifest sit where the log says it does. One status per session,
// with what changed, so an auditor knows which file to distrust.
import { basename } from 'node:path';
import { sha256Hex } from '../contract/audit-chain.ts';
import {
  ManifestFormatError, parseManifestDocument, parseManifestPayload, payloadBytes, type SessionDraft, type SessionManifest,
} from '../contract/manifest.ts';
import { isNotRegularFile, readRegularText } from '../files/regular-file.ts';
import { digestFile, findSessions, readCastHeader, type SessionFiles, type SkippedFile } from './session-files.ts';
import { chainProblems, type ChainSource } from './verify-chain.ts';
import { checkSignature, type Jwks } from './verify-signature.ts';
import { signedEvidence, wrapperOnlyEvidence, type EvidenceView } from './verify-evidence.ts';

export const VERIFICATION_STATUSES = ['verified', 'tampered', 'unsigned', 'missing-recording', 'unknown-key'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** What was found altered, for programs (`problems` says it for people). */
export type Change = 'manifest' | 'signature' | 'session' | 'cast.sha256' | 'cast.size' | 'cast.header' | 'cast' | 'chain' | 'record' | 'observed';

export type SessionVerification = {
  session: string;
  status: VerificationStatus;
  problems: string[];
  changed: Change[];
  manifestPath: string | null;
  castPath: string | null;
  kid: string | null;
  /** chain.seq of a signed manifest. */
  seq: number | null;
  /** sha256 of the signed payload (what the relay's session.closed entry records). */
  manifestSha256: string | null;
  /** The signed payload, once its signature verified. */
  manifest: SessionManifest | null;
  /** The draft of an unsigned manifest. */
  draft: SessionDraft | null;
  /** The relay's record beside the manifest, when there is one. */
  recordPath: string | null;
  /** Which evidence is relay-observed and which wrapper-reported (verify-evidence.ts). */
  evidence: EvidenceView;
};

export type VerifyOptions = { jwks: Jwks; chain?: ChainSource | null };

export type Verified = { results: SessionVerification[]; skipped: SkippedFile[] };

/** The sessions the paths name, verified, and what was skipped there (links, FIFOs…). */
export async function verifyPaths(paths: string[], options: VerifyOptions): Promise<Verified> {
  const results: SessionVerification[] = [];
  const { sessions, skipped } = await findSessions(paths);
  for (const files of sessions) results.push(await verifyFiles(files, options.jwks));
  if (options.chain) await checkChain(results, options.chain);
  flagSharedSeqs(results);
  results.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || a.session.localeCompare(b.session));
  return { results, skipped };
}

export async function verifySessions(paths: string[], options: VerifyOptions): Promise<SessionVerification[]> {
  return (await verifyPaths(paths, options)).results;
}

function finish(result: SessionVerification, missing: boolean): SessionVerification {
  if (result.status === 'unknown-key' || result.status === 'unsigned') return result;
  return { ...result, status: result.changed.length > 0 ? 'tampered' : missing ? 'missing-recording' : 'verified' };
}

async function verifyFiles(files: SessionFiles, jwks: Jwks): Promise<SessionVerification> {
  const result: SessionVerification = {
    session: files.session, status: 'verified', problems: [], changed: [], manifestPath: files.manifestPath, castPath: files.castPath,
    kid: null, seq: null, manifestSha256: null, manifest: null, draft: null, recordPath: files.recordPath ?? null,
    evidence: wrapperOnlyEvidence(files.castPath === null ? null : basename(files.castPath), files.manifestPath === null ? 'no manifest' : 'the manifest could not be verified'),
  };
  const fail = (change: Change, problem: string) => {
    result.changed.push(change);
    result.problems.push(problem);
  };
  if (files.manifestPath === null) return { ...result, status: 'unsigned', problems: ['no manifest beside this recording: nothing vouches for it'] };

  let document;
  try {
    document = parseManifestDocument(await readRegularText(files.manifestPath), files.manifestPath);
  } catch (error) {
    if (!(error instanceof ManifestFormatError) && !isNotRegularFile(error)) throw error;
    fail('manifest', `manifest unreadable: ${error.message}`);
    return finish(result, false);
  }
  if (document.kind === 'unsigned') {
    const draft = document.marker.draft;
    result.draft = draft;
    result.evidence = wrapperOnlyEvidence(draft.cast?.file ?? null, 'not signed by the relay');
    result.problems.push('not signed by the relay yet (the draft was spooled: run hkubectl sync)');
    const missing = draft.cast !== null && files.castPath === null;
    if (draft.session !== files.session) result.problems.push(`the draft is for session ${draft.session}`);
    if (draft.cast && files.castPath) result.problems.push(...(await castProblems(files, draft.cast)).map(([, problem]) => problem));
    if (missing) result.problems.push(`recording ${draft.cast!.file} is missing`);
    return { ...result, status: missing ? 'missing-recording' : 'unsigned' };
  }

  const signature = await checkSignature(document.jws, jwks);
  result.kid = signature.kid;
  if (!signature.ok) {
    if (signature.unknownKey) return { ...result, status: 'unknown-key', problems: [signature.problem] };
    fail('signature', signature.problem);
    return finish(result, false);
  }
  let manifest: SessionManifest;
  try {
    manifest = parseManifestPayload(signature.payload, files.manifestPath);
  } catch (error) {
    // Signed, but not a manifest this hkubectl can read: a finding about this session alone.
    if (!(error instanceof ManifestFormatError)) throw error;
    result.manifestSha256 = sha256Hex(payloadBytes(document.jws));
    fail('manifest', `manifest unreadable: ${error.message}`);
    return finish(result, false);
  }
  Object.assign(result, { manifest, seq: manifest.chain.seq, manifestSha256: sha256Hex(payloadBytes(document.jws)) });
  // Signed as it is, but the relay found secrets in it that were not masked: said, not hidden.
  if (manifest.relayCheck?.flagged) {
    result.problems.push(`flagged by the relay: the recording holds unmasked ${Object.entries(manifest.relayCheck.unmasked).map(([detector, n]) => `${detector} ×${n}`).join(', ')}`);
  }
  if (manifest.session !== files.session) fail('session', `the manifest is for session ${manifest.session}, but its file is named for ${files.session}`);
  let missing = false;
  let castMatches = false;
  if (manifest.cast === null) {
    if (files.castPath) fail('cast', 'the manifest says nothing was recorded, yet a .cast is beside it');
  } else if (files.castPath === null) {
    result.problems.push(`recording ${manifest.cast.file} is missing (the relay ${manifest.relayCopy ? 'holds a copy' : 'holds no copy'})`);
    missing = true;
  } else {
    const problems = await castProblems(files, manifest.cast);
    for (const [change, problem] of problems) fail(change, problem);
    castMatches = problems.length === 0;
  }
  const evidence = await signedEvidence(manifest, manifest.cast === null ? null : files.castPath, castMatches, files.recordPath ?? null);
  result.evidence = evidence.view;
  for (const finding of evidence.findings) {
    if (finding.change) fail(finding.change, finding.problem);
    else if (!(finding.missing && missing)) result.problems.push(finding.problem);
    missing ||= finding.missing;
  }
  return finish(result, missing);
}

async function castProblems(files: SessionFiles, signed: { sha256: string; size: number }): Promise<Array<[Change, string]>> {
  const castPath = files.castPath!;
  const problems: Array<[Change, string]> = [];
  let actual;
  try {
    actual = await digestFile(castPath);
  } catch (error) {
    if (!isNotRegularFile(error)) throw error;
    return [['cast', `recording unreadable: ${error.message}`]];
  }
  if (actual.sha256 !== signed.sha256) problems.push(['cast.sha256', `cast sha256 is ${actual.sha256}, the manifest says ${signed.sha256}: the recording was altered`]);
  if (actual.size !== signed.size) problems.push(['cast.size', `cast size is ${actual.size} bytes, the manifest says ${signed.size}`]);
  try {
    const header = await readCastHeader(castPath);
    if (header.hk?.session !== files.session) problems.push(['cast.header', `the .cast header names session ${String(header.hk?.session)}, not ${files.session}`]);
  } catch (error) {
    problems.push(['cast.header', `the .cast header is unreadable: ${(error as Error).message}`]);
  }
  return problems;
}

async function checkChain(results: SessionVerification[], source: ChainSource): Promise<void> {
  const signed = results.filter((result) => result.manifest !== null && result.manifestSha256 !== null);
  if (signed.length === 0) return;
  const entries = await source.entries(signed.flatMap((result) => [result.seq! - 1, result.seq!]));
  for (const result of signed) {
    const problems = chainProblems(result.manifest!, result.manifestSha256!, entries, source.label);
    if (problems.length === 0) continue;
    result.changed.push('chain');
    result.problems.push(...problems);
    result.status = 'tampered';
  }
}

/**
 * Two manifests cannot both be the entry at one place in one log: one of them was copied or
 * replayed. The place is the seq with the hash before it, so recordings of different relays
 * (each numbering its own log from 1) can share a directory.
 */
function flagSharedSeqs(results: SessionVerification[]): void {
  const byPlace = new Map<string, SessionVerification[]>();
  for (const result of results) {
    if (result.seq === null || result.manifest === null) continue;
    const place = `${result.seq} ${result.manifest.chain.prev}`;
    byPlace.set(place, [...(byPlace.get(place) ?? []), result]);
  }
  for (const same of byPlace.values()) {
    const seq = same[0]!.seq;
    if (same.length < 2) continue;
    for (const result of same) {
      result.changed.push('chain');
      result.problems.push(`chain: ${same.length} manifests claim audit-log entry #${seq} (${same.map((other) => other.session).join(', ')})`);
      result.status = 'tampered';
    }
  }
}
