// Replay's view of a session's verification (src/recording/verify.ts does the checking): the
// status and problems, the files, and the manifest fields to show. `payload` is set only when
// the relay's signature verified; `displayPayload` is the unverified payload of a manifest that
// failed, shown to the auditor (marked as such) but never acted on.
import { parseManifestDocument, payloadBytes } from '../contract/manifest.ts';
import { readRegularText } from '../files/regular-file.ts';
import { verifyPaths, verifySessions, type SessionVerification } from '../recording/verify.ts';
import type { SkippedFile } from '../recording/session-files.ts';
import type { Jwks } from '../recording/verify-signature.ts';
import type { VerificationStatus } from '../recording/verify.ts';
import type { EvidenceView } from '../recording/verify-evidence.ts';

export type { Jwks } from '../recording/verify-signature.ts';

export interface SessionCheck {
  session: string;
  status: VerificationStatus;
  problems: string[];
  manifestPath: string | null;
  castPath: string | null;
  /** The signed payload, present only when its signature verified. */
  payload: Record<string, unknown> | null;
  /** The payload of a manifest whose signature did not verify: for display only. */
  displayPayload?: Record<string, unknown> | null;
  /** The draft of an unsigned manifest. */
  draft: Record<string, unknown> | null;
  /** sha256 of the signed payload bytes (what the relay's session.closed entry records). */
  manifestSha256?: string | null;
  /** The relay's record beside the manifest, when there is one. */
  recordPath?: string | null;
  /** Which evidence is relay-observed and which wrapper-reported. */
  evidence?: EvidenceView;
}

const NO_KEYS: Jwks = { keys: [] };

/** Verifies the session a manifest or .cast path names. */
export async function checkSession(path: string, jwks: Jwks | null): Promise<SessionCheck> {
  const [result] = await verifySessions([path], { jwks: jwks ?? NO_KEYS });
  return toCheck(result!);
}

/** Every session in `dir` (manifests, and recordings that have none), verified, and what was skipped there. */
export async function checkDirectory(dir: string, jwks: Jwks | null): Promise<{ checks: SessionCheck[]; skipped: SkippedFile[] }> {
  const { results, skipped } = await verifyPaths([dir], { jwks: jwks ?? NO_KEYS });
  return { checks: await Promise.all(results.map(toCheck)), skipped };
}

async function toCheck(result: SessionVerification): Promise<SessionCheck> {
  return {
    session: result.session,
    status: result.status,
    problems: result.problems,
    manifestPath: result.manifestPath,
    castPath: result.castPath,
    payload: result.manifest as unknown as Record<string, unknown> | null,
    displayPayload: result.manifest === null && result.draft === null && result.manifestPath ? await unverifiedPayload(result.manifestPath) : null,
    draft: result.draft as unknown as Record<string, unknown> | null,
    manifestSha256: result.manifestSha256,
    recordPath: result.recordPath,
    evidence: result.evidence,
  };
}

async function unverifiedPayload(manifestPath: string): Promise<Record<string, unknown> | null> {
  try {
    const document = parseManifestDocument(await readRegularText(manifestPath), manifestPath);
    if (document.kind !== 'signed') return null;
    const payload = JSON.parse(payloadBytes(document.jws).toString('utf8')) as unknown;
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
