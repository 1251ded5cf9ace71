// The session manifest contract shared by the wrapper, the relay and the verifier: the draft the
// wrapper sends when kubectl ends, the manifest the relay signs (a flattened JWS, RFC 7515
// §7.2.2), and the unsigned marker written while the relay is unreachable. Validation happens
// here, once, for every reader; a version this hkubectl does not know is refused, never guessed.
import type { MaskProfile, RiskScore } from '../policy/types.ts';
import type { Person } from './person.ts';
import { HkError } from '../errors.ts';
import { isIsoDateTime } from './iso-time.ts';
import { relayRecordFileName } from './relay-record.ts';

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


/**
 * What the relay itself checked of the recording (added to version-1 manifests in 2026; older
 * manifests have no `relayCheck`, and verify as before). `v` is this block's own version.
 * - recording: `checked` when the relay holds the .cast and checked it (asciicast v2, this
 *   session's header, re-masked); `unchecked` when its copy predates those checks;
 *   `not-uploaded` when it holds no copy; `not-recorded` when nothing was recorded.
 * - countedBy: `relay` when `masking.counts` are the markers the relay counted in its copy;
 *   `wrapper` when they are the wrapper's claim (no checked copy). `wrapperCounts` is the claim.
 * - unmasked: values the relay's masker still found in the recording, by detector; `flagged`
 *   is true when there is any: the recording holds a secret that was not masked.
 */
export type RelayCheck = {
  v: 1;
  recording: 'checked' | 'unchecked' | 'not-uploaded' | 'not-recorded';
  countedBy: 'relay' | 'wrapper';
  wrapperCounts: Record<string, number>;
  unmasked: Record<string, number>;
  flagged: boolean;
};

export const RELAY_CHECK_VERSION = 1;

/**
 * What the relay itself observed of the session (added in 2026; older manifests have none).
 * - mode: `gateway` when every API request of the session crossed the relay's gateway (the
 *   relay's record is evidence); `local` when the wrapper ran kubectl with the agent's own
 *   credentials (not tamper-proof: everything is wrapper-reported).
 * - record: the relay's own record of the session (versioned JSON lines: each API request and
 *   response, watch event, log chunk and tunnel, masked), bound by digest; null in local mode.
 */
export type ObservedEvidence = {
  v: 1;
  mode: 'gateway' | 'local';
  record: null | { file: string; sha256: string; size: number; entries: number };
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
  /** Absent from manifests signed before the relay checked recordings. */
  relayCheck?: RelayCheck;
  /** Absent from manifests signed before the relay had a gateway. */
  observed?: ObservedEvidence;
};

export type UnsignedManifest = { hk: 1; unsigned: true; draft: SessionDraft };

export type FlattenedJws = { payload: string; protected: string; signature: string };

/** A manifest as the relay signs it: JWS flattened JSON serialization, EdDSA, with a `kid`. */
export type SignedManifest = FlattenedJws;

export type ManifestDocument = { kind: 'signed'; jws: FlattenedJws } | { kind: 'unsigned'; marker: UnsignedManifest };

export const castFileName = (session: string): string => `${session}.cast`;
export const manifestFileName = (session: string): string => `${session}.manifest.json`;
/** The relay's own record of a gateway session (versioned JSON lines; the format is in relay-record.ts). */
export const recordFileName = relayRecordFileName;

export const OBSERVED_VERSION = 1;

/** What is wrong with a manifest or draft, naming the file (or request) and the field. */
/**
 * A manifest or draft that cannot be read, naming the file (or request) and the field. For an
 * auditor this is a finding about one session, never about their command line: where it does
 * reach the top it exits 1, as a session that did not verify does (not 64).
 */
export class ManifestFormatError extends HkError {
  constructor(readonly where: string, problem: string, readonly field?: string, code = 'ERR_MANIFEST_FORMAT', hint?: string) {
    super(code, `${where}: ${field ? `${field}: ` : ''}${problem}`, MANIFEST_UNREADABLE_EXIT, { details: { where, ...(field ? { field } : {}) }, ...(hint ? { hint } : {}) });
  }
}

/** Exit status when a manifest cannot be read: the same as a session that did not verify. */
export const MANIFEST_UNREADABLE_EXIT = 1;

/** A manifest or draft of a version this hkubectl cannot read: unreadable, like any other. */
export class ManifestVersionError extends ManifestFormatError {
  constructor(where: string, version: unknown) {
    super(where, `manifest version ${typeof version === 'number' ? version : JSON.stringify(String(version).slice(0, 16))} is not supported (this hkubectl reads version ${MANIFEST_VERSION})`, undefined, 'ERR_MANIFEST_VERSION', 'use a newer hkubectl to read it');
  }
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** The masking profiles a draft may name (policy/types.ts MASK_PROFILES, the relay's choices). */
export const DRAFT_MASK_PROFILES: readonly MaskProfile[] = ['standard', 'strict', 'secrets-only'];
/** A detector id: built-in ones and a policy's custom ones alike (masking/custom-detectors.ts). */
const DETECTOR_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_DETECTORS = 128;
const MAX_COUNT = 1e12;
/** A recording past 1 TiB is not one any relay kept. */
const MAX_CAST_BYTES = 2 ** 40;
/** Signals kubectl can die of (POSIX and Linux names), as Node reports them. */
export const SIGNAL_NAMES: ReadonlySet<string> = new Set([
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGIOT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2',
  'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU',
  'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPOLL', 'SIGPWR', 'SIGSYS', 'SIGEMT', 'SIGINFO', 'SIGLOST', 'SIGBREAK',
]);
const DRAFT_FIELDS = new Set(['hk', 'session', 'cast', 'startedAt', 'endedAt', 'exitCode', 'signal', 'terminal', 'masking']);

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
  if (!isIsoDateTime(value)) throw new ManifestFormatError(where, 'must be an ISO 8601 date-time', name);
  return value;
}

function castAt(value: unknown, session: string, where: string): CastDigest | null {
  if (value === null) return null;
  const cast = objectAt(value, where, 'cast');
  const count = (name: string, max: number) => {
    const n = cast[name];
    if (!Number.isSafeInteger(n) || (n as number) < 0 || (n as number) > max) throw new ManifestFormatError(where, `must be an integer from 0 to ${max}`, `cast.${name}`);
    return n as number;
  };
  if (cast.file !== castFileName(session)) throw new ManifestFormatError(where, `must be "${castFileName(session)}"`, 'cast.file');
  if (typeof cast.sha256 !== 'string' || !SHA256.test(cast.sha256)) throw new ManifestFormatError(where, 'must be a lowercase hex sha256', 'cast.sha256');
  return { file: cast.file, sha256: cast.sha256, size: count('size', MAX_CAST_BYTES), events: count('events', MAX_CAST_BYTES) };
}

/** Detector id → count, as a masker reports them; `field` names the map in errors. */
function countsAt(value: unknown, where: string, field: string): Record<string, number> {
  const counts = objectAt(value, where, field);
  const entries = Object.entries(counts);
  if (entries.length > MAX_DETECTORS) throw new ManifestFormatError(where, `must name at most ${MAX_DETECTORS} detectors`, field);
  for (const [detector, n] of entries) {
    if (!DETECTOR_ID.test(detector)) throw new ManifestFormatError(where, 'keys must be detector ids (lower-case letters, digits and dashes)', field);
    if (!Number.isSafeInteger(n) || (n as number) < 0 || (n as number) > MAX_COUNT) throw new ManifestFormatError(where, 'values must be non-negative integers', `${field}.${detector}`);
  }
  return { ...counts } as Record<string, number>;
}

/**
 * Validates a draft (from the wrapper, a spool file or an unsigned marker): every field against
 * its schema, and no field the schema does not have. The relay holds the result against the
 * session it opened as well (relay/server/draft-check.ts).
 */
export function parseDraft(raw: unknown, where: string): SessionDraft {
  const draft = objectAt(raw, where, 'draft');
  checkVersion(draft.hk, where);
  const unknown = Object.keys(draft).find((key) => !DRAFT_FIELDS.has(key));
  if (unknown !== undefined) throw new ManifestFormatError(where, 'is not a draft field', /^[A-Za-z][\w.-]{0,63}$/.test(unknown) ? unknown : 'draft');
  if (!isSessionId(draft.session)) throw new ManifestFormatError(where, 'must be a session id (letters, digits, _ and -)', 'session');
  return { hk: 1, session: draft.session, ...recordedFieldsAt(draft, draft.session, where) };
}

/** The fields a draft and a manifest share (what the wrapper saw), each checked against its schema. */
function recordedFieldsAt(fields: Fields, session: string, where: string): Omit<SessionDraft, 'hk' | 'session'> {
  if (!Number.isSafeInteger(fields.exitCode) || (fields.exitCode as number) < 0 || (fields.exitCode as number) > 255) {
    throw new ManifestFormatError(where, 'must be an exit status from 0 to 255', 'exitCode');
  }
  if (fields.signal !== null && (typeof fields.signal !== 'string' || !SIGNAL_NAMES.has(fields.signal))) throw new ManifestFormatError(where, 'must be a signal name (SIGTERM, SIGKILL, …) or null', 'signal');
  if (typeof fields.terminal !== 'boolean') throw new ManifestFormatError(where, 'must be true or false', 'terminal');
  const masking = objectAt(fields.masking, where, 'masking');
  if (Object.keys(masking).some((key) => key !== 'profile' && key !== 'counts')) throw new ManifestFormatError(where, 'must hold only profile and counts', 'masking');
  if (typeof masking.profile !== 'string' || !(DRAFT_MASK_PROFILES as readonly string[]).includes(masking.profile)) {
    throw new ManifestFormatError(where, `must be a masking profile (${DRAFT_MASK_PROFILES.join(', ')})`, 'masking.profile');
  }
  const counts = countsAt(masking.counts, where, 'masking.counts');
  return {
    cast: castAt(fields.cast, session, where),
    startedAt: isoAt(fields, 'startedAt', where), endedAt: isoAt(fields, 'endedAt', where),
    exitCode: fields.exitCode as number, signal: fields.signal as string | null, terminal: fields.terminal,
    masking: { profile: masking.profile, counts },
  };
}

/** The `relayCheck` block of a payload, when there is one. */
function relayCheckAt(value: unknown, where: string): RelayCheck | undefined {
  if (value === undefined) return undefined;
  const check = objectAt(value, where, 'relayCheck');
  if (check.v !== RELAY_CHECK_VERSION) throw new ManifestFormatError(where, `version ${JSON.stringify(check.v)} is not one this hkubectl reads (${RELAY_CHECK_VERSION})`, 'relayCheck.v');
  const recording = ['checked', 'unchecked', 'not-uploaded', 'not-recorded'];
  if (typeof check.recording !== 'string' || !recording.includes(check.recording)) throw new ManifestFormatError(where, `must be one of ${recording.join(', ')}`, 'relayCheck.recording');
  if (check.countedBy !== 'relay' && check.countedBy !== 'wrapper') throw new ManifestFormatError(where, 'must be relay or wrapper', 'relayCheck.countedBy');
  if (typeof check.flagged !== 'boolean') throw new ManifestFormatError(where, 'must be true or false', 'relayCheck.flagged');
  return {
    v: 1, recording: check.recording as RelayCheck['recording'], countedBy: check.countedBy,
    wrapperCounts: countsAt(check.wrapperCounts, where, 'relayCheck.wrapperCounts'), unmasked: countsAt(check.unmasked, where, 'relayCheck.unmasked'), flagged: check.flagged,
  };
}

/** The `observed` block of a payload, when there is one: gateway mode binds the relay's record by digest. */
function observedAt(value: unknown, session: string, where: string): ObservedEvidence | undefined {
  if (value === undefined) return undefined;
  const observed = objectAt(value, where, 'observed');
  if (observed.v !== OBSERVED_VERSION) throw new ManifestFormatError(where, `version ${JSON.stringify(observed.v)} is not one this hkubectl reads (${OBSERVED_VERSION})`, 'observed.v');
  if (observed.mode !== 'gateway' && observed.mode !== 'local') throw new ManifestFormatError(where, 'must be gateway or local', 'observed.mode');
  if (observed.record === null) return { v: 1, mode: observed.mode, record: null };
  if (observed.mode === 'local') throw new ManifestFormatError(where, 'a local-mode session has no relay record (must be null)', 'observed.record');
  const record = objectAt(observed.record, where, 'observed.record');
  if (record.file !== recordFileName(session)) throw new ManifestFormatError(where, `must be "${recordFileName(session)}"`, 'observed.record.file');
  if (typeof record.sha256 !== 'string' || !SHA256.test(record.sha256)) throw new ManifestFormatError(where, 'must be a sha256 in hex', 'observed.record.sha256');
  for (const field of ['size', 'entries'] as const) {
    if (!Number.isSafeInteger(record[field]) || (record[field] as number) < 0) throw new ManifestFormatError(where, 'must be a whole number', `observed.record.${field}`);
  }
  return { v: 1, mode: 'gateway', record: { file: record.file, sha256: record.sha256, size: record.size as number, entries: record.entries as number } };
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
  if (!Number.isSafeInteger(chain.seq) || typeof chain.prev !== 'string' || !SHA256.test(chain.prev)) throw new ManifestFormatError(where, 'must be { seq, prev }', 'chain');
  // A signature says who wrote the fields, not that they are well formed: relays before these
  // checks signed whatever a wrapper sent, so every reader checks the fields it will show.
  recordedFieldsAt(payload, payload.session, where);
  const identity = objectAt(payload.identity, where, 'identity');
  if (typeof identity.subject !== 'string' || typeof identity.issuer !== 'string') throw new ManifestFormatError(where, 'must name a subject and an issuer', 'identity');
  const command = objectAt(payload.command, where, 'command');
  if (!Array.isArray(command.argv) || !command.argv.every((arg) => typeof arg === 'string')) throw new ManifestFormatError(where, 'must be a list of strings', 'command.argv');
  objectAt(payload.decision, where, 'decision');
  if (payload.approval !== null) objectAt(payload.approval, where, 'approval');
  if (typeof payload.relayCopy !== 'boolean') throw new ManifestFormatError(where, 'must be true or false', 'relayCopy');
  if (!isIsoDateTime(payload.issuedAt)) throw new ManifestFormatError(where, 'must be an ISO 8601 date-time', 'issuedAt');
  relayCheckAt(payload.relayCheck, where);
  observedAt(payload.observed, payload.session, where);
  return payload as SessionManifest;
}
