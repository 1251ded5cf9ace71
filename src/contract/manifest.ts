// The session manifest contract shared by the wrapper, the relay and the verifier: the draft the
// wrapper sends when kubectl ends, the manifest the relay signs (a flattened JWS, RFC 7515
// §7.2.2), and the unsigned marker written while the relay is unreachable. Validation happens
// here, once, for every reader; a version this hkubectl does not know is refused, never guessed.
import type { MaskProfile, RiskScore } from '../policy/types.ts';
import type { Person } from './person.ts';
import { HkError, ExitCode } from '../errors.ts';

export const MANIFEST_VERSION = 1;
/** The JWS `typ` of a manifest: a JWS signed for anything else is not a manifest. */
export const MANIFEST_TYP = 'hk-manifest+json';

export type CastDigest = { file: string; sha256: string; size: number; events: number };

export type SessionDraft = {
  hk: 1;
  session: string;
  /** null when the policy said not to record. */
  cast: CastDigest | null;
  startedAt: string;
  endedAt: string;
  exitCode: number;
  signal: string | null;
  terminal: boolean;
  masking: { profile: string; counts: Record<string, number> };
};


export type SessionManifest = Omit<SessionDraft, 'hk' | 'session'> & {
  hk: 1;
  session: string;
  issuedAt: string;
  identity: Person;
  command: { argv: string[]; verb: string; namespace: string | null; context: string | null; cluster: string | null };
  decision: { decision: 'allow'; rule: string; message: string; risk: RiskScore; mask: MaskProfile; record: boolean };
  approval: null | {
    requestId: string;
    requestedAt: string;
    approver: { subject: string; email?: string };
    justification: string;
    reviewedAt: string;
  };
  reason: string | null;
  agent: string | null;
  runId: string | null;
  /** Whether the relay holds its own copy of the .cast. */
  relayCopy: boolean;
  /** seq: the audit-log seq of this session's `session.closed` entry; prev: the hash of the entry before it. */
  chain: { seq: number; prev: string };
};

export type UnsignedManifest = { hk: 1; unsigned: true; draft: SessionDraft };

export type FlattenedJws = { payload: string; protected: string; signature: string };

/** A manifest as the relay signs it: JWS flattened JSON serialization, EdDSA, with a `kid`. */
export type SignedManifest = FlattenedJws;

export type ManifestDocument = { kind: 'signed'; jws: FlattenedJws } | { kind: 'unsigned'; marker: UnsignedManifest };

export const castFileName = (session: string): string => `${session}.cast`;
export const manifestFileName = (session: string): string => `${session}.manifest.json`;

/** What is wrong with a manifest or draft, naming the file (or request) and the field. */
export class ManifestFormatError extends HkError {
  constructor(readonly where: string, problem: string, readonly field?: string) {
    super('ERR_MANIFEST_FORMAT', `${where}: ${field ? `${field}: ` : ''}${problem}`, ExitCode.usage, { details: { where, ...(field ? { field } : {}) } });
  }
}

/** A manifest or draft of a version this hkubectl cannot read. */
export class ManifestVersionError extends HkError {
  constructor(readonly where: string, version: unknown) {
    super('ERR_MANIFEST_VERSION', `${where}: manifest version ${JSON.stringify(version)} is not supported (this hkubectl reads version ${MANIFEST_VERSION})`, ExitCode.usage, {
      hint: 'use a newer hkubectl to read it',
    });
  }
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

type Fields = Record<string, unknown>;

function objectAt(value: unknown, where: string, field?: string): Fields {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ManifestFormatError(where, 'must be a JSON object', field);
  return value as Fields;
}

function checkVersion(value: unknown, where: string): void {
  if (value !== MANIFEST_VERSION) throw new ManifestVersionError(where, value);
}

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}

function isoAt(fields: Fields, name: string, where: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new ManifestFormatError(where, 'must be an ISO 8601 date-time', name);
  return value;
}

function castAt(value: unknown, session: string, where: string): CastDigest | null {
  if (value === null) return null;
  const cast = objectAt(value, where, 'cast');
  const count = (name: string) => {
    const n = cast[name];
    if (!Number.isSafeInteger(n) || (n as number) < 0) throw new ManifestFormatError(where, 'must be a non-negative integer', `cast.${name}`);
    return n as number;
  };
  if (cast.file !== castFileName(session)) throw new ManifestFormatError(where, `must be "${castFileName(session)}"`, 'cast.file');
  if (typeof cast.sha256 !== 'string' || !SHA256.test(cast.sha256)) throw new ManifestFormatError(where, 'must be a lowercase hex sha256', 'cast.sha256');
  return { file: cast.file, sha256: cast.sha256, size: count('size'), events: count('events') };
}

/** Validates a draft (from the wrapper, a spool file or an unsigned marker). */
export function parseDraft(raw: unknown, where: string): SessionDraft {
  const draft = objectAt(raw, where, 'draft');
  checkVersion(draft.hk, where);
  if (!isSessionId(draft.session)) throw new ManifestFormatError(where, 'must be a session id (letters, digits, _ and -)', 'session');
  const session = draft.session;
  if (!Number.isSafeInteger(draft.exitCode)) throw new ManifestFormatError(where, 'must be an integer', 'exitCode');
  if (draft.signal !== null && (typeof draft.signal !== 'string' || draft.signal.length > 32)) throw new ManifestFormatError(where, 'must be a signal name or null', 'signal');
  if (typeof draft.terminal !== 'boolean') throw new ManifestFormatError(where, 'must be true or false', 'terminal');
  const masking = objectAt(draft.masking, where, 'masking');
  if (typeof masking.profile !== 'string' || masking.profile.length > 64) throw new ManifestFormatError(where, 'must be a profile name', 'masking.profile');
  const counts = objectAt(masking.counts, where, 'masking.counts');
  for (const [detector, n] of Object.entries(counts)) {
    if (detector.length > 128 || !Number.isSafeInteger(n) || (n as number) < 0) throw new ManifestFormatError(where, 'must map detector ids to non-negative integers', 'masking.counts');
  }
  return {
    hk: 1, session, cast: castAt(draft.cast, session, where),
    startedAt: isoAt(draft, 'startedAt', where), endedAt: isoAt(draft, 'endedAt', where),
    exitCode: draft.exitCode as number, signal: draft.signal as string | null, terminal: draft.terminal,
    masking: { profile: masking.profile, counts: counts as Record<string, number> },
  };
}

/** A manifest file's text → a signed JWS object or an unsigned marker (not yet verified). */
export function parseManifestDocument(text: string, file: string): ManifestDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ManifestFormatError(file, `not valid JSON (${(error as Error).message})`);
  }
  const document = objectAt(raw, file);
  if (document.unsigned === true) {
    checkVersion(document.hk, file);
    return { kind: 'unsigned', marker: { hk: 1, unsigned: true, draft: parseDraft(document.draft, file) } };
  }
  for (const part of ['payload', 'protected', 'signature'] as const) {
    const value = document[part];
    if (typeof value !== 'string' || value === '' || !B64URL.test(value)) {
      throw new ManifestFormatError(file, 'must be a base64url string (a manifest is a flattened JWS or an unsigned marker)', part);
    }
  }
  return { kind: 'signed', jws: { payload: document.payload as string, protected: document.protected as string, signature: document.signature as string } };
}

/** The exact payload bytes a JWS carries (what its signature and the audit log's manifestSha256 cover). */
export function payloadBytes(jws: FlattenedJws): Buffer {
  return Buffer.from(jws.payload, 'base64url');
}

/** The protected header, decoded without trusting it (for its `kid`, before verification). */
export function protectedHeader(jws: FlattenedJws): Record<string, unknown> | null {
  try {
    const header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString('utf8')) as unknown;
    return header !== null && typeof header === 'object' && !Array.isArray(header) ? (header as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Decodes a payload whose signature has been checked; refuses unknown versions. */
export function parseManifestPayload(bytes: Uint8Array, where: string): SessionManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new ManifestFormatError(where, 'the signed payload is not JSON');
  }
  const payload = objectAt(raw, where, 'payload');
  checkVersion(payload.hk, where);
  if (!isSessionId(payload.session)) throw new ManifestFormatError(where, 'must be a session id', 'session');
  const chain = objectAt(payload.chain, where, 'chain');
  if (!Number.isSafeInteger(chain.seq) || typeof chain.prev !== 'string') throw new ManifestFormatError(where, 'must be { seq, prev }', 'chain');
  castAt(payload.cast, payload.session, where);
  return payload as SessionManifest;
}
