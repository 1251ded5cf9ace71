// Hand-made sessions with relay-observed evidence, signed with a test key the way the relay signs
// manifests (flattened JWS, EdDSA, typ hk-manifest+json): the relay of this branch does not write
// `observed` yet, so these stand in for the manifests a gateway relay signs. Each session is laid
// out as the wrapper and the relay leave it: <session>.cast, <session>.manifest.json and, when the
// auditor has it, the relay's <session>.record.jsonl.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, FlattenedSign, generateKeyPair } from 'jose';
import { MANIFEST_TYP, type ObservedEvidence, type SessionManifest } from '../../src/contract/manifest.ts';
import { RELAY_RECORD_VERSION, relayRecordFileName } from '../../src/contract/relay-record.ts';
import type { Jwks } from '../../src/recording/verify-signature.ts';

export type TestSigner = { jwks: Jwks; sign(payload: SessionManifest): Promise<unknown> };

export async function testSigner(kid = 'test-relay-key'): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    sign: (payload) => new FlattenedSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ: MANIFEST_TYP, kid }).sign(privateKey),
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A .cast of a pipe session: its header, the decision marker, `output` (if any) and the exit marker. */
export function castText(session: string, output: string[]): string {
  const header = { version: 2, width: 80, height: 24, timestamp: 1_760_000_000, command: 'kubectl get secrets -n prod', title: 'kubectl get secrets -n prod', hk: { v: 1, session, stdout: 'pipe' } };
  const events: unknown[] = [[0, 'm', 'decision: allow by rule reads (risk 5)'], ...output.map((data, i) => [0.1 * (i + 1), 'o', data]), [1, 'm', 'exit 0']];
  return [header, ...events].map((line) => JSON.stringify(line)).join('\n') + '\n';
}

/** A relay record as the relay writes it (src/contract/relay-record.ts): its header, then the entries, numbered. */
export function recordText(session: string, entries: Array<Record<string, unknown>>): string {
  return [{ type: 'header', session, cluster: 'prod', subject: 'agent-7' }, ...entries]
    .map((line, i) => JSON.stringify({ v: RELAY_RECORD_VERSION, n: i + 1, t: '2026-12-06T10:00:00.500Z', ...line })).join('\n') + '\n';
}

/** A GET that came back with a body, and the end of the session. */
export const READ_ENTRIES = [
  { type: 'request', method: 'GET', path: '/api/v1/namespaces/prod/secrets' },
  { type: 'response', status: 200, size: 812, sha256: 'a'.repeat(64) },
  { type: 'close', entries: 4 },
];

export type SessionSpec = {
  session: string;
  /** The .cast as the wrapper reported it; null: the manifest names none. */
  cast: string | null;
  /** Whether the .cast file is left beside the manifest. */
  castOnDisk?: boolean;
  /** The relay's record; null: none. */
  record: string | null;
  /** Whether the record is left beside the manifest. */
  recordOnDisk?: boolean;
  /** `gateway` binds the record; `local` binds none; `absent` leaves the field out. */
  mode: 'gateway' | 'local' | 'absent';
};

export async function writeSession(dir: string, signer: TestSigner, spec: SessionSpec, seq = 1): Promise<{ manifestPath: string; castPath: string; recordPath: string }> {
  const castPath = join(dir, `${spec.session}.cast`);
  const recordPath = join(dir, relayRecordFileName(spec.session));
  const manifestPath = join(dir, `${spec.session}.manifest.json`);
  if (spec.cast !== null && spec.castOnDisk !== false) await writeFile(castPath, spec.cast);
  if (spec.record !== null && spec.recordOnDisk !== false) await writeFile(recordPath, spec.record);
  const observed: ObservedEvidence | undefined = spec.mode === 'absent' ? undefined : {
    v: 1, mode: spec.mode,
    record: spec.mode === 'gateway' && spec.record !== null
      ? { file: relayRecordFileName(spec.session), sha256: sha256(spec.record), size: Buffer.byteLength(spec.record), entries: spec.record.trim().split('\n').length }
      : null,
  };
  const payload: SessionManifest = {
    hk: 1, session: spec.session, issuedAt: '2026-12-06T10:00:02.000Z',
    cast: spec.cast === null ? null : { file: `${spec.session}.cast`, sha256: sha256(spec.cast), size: Buffer.byteLength(spec.cast), events: spec.cast.trim().split('\n').length - 1 },
    startedAt: '2026-12-06T10:00:00.000Z', endedAt: '2026-12-06T10:00:01.000Z', exitCode: 0, signal: null, terminal: false,
    masking: { profile: 'standard', counts: {} },
    identity: { subject: 'agent-7', issuer: 'https://idp.test', groups: ['agents'] } as SessionManifest['identity'],
    command: { argv: ['get', 'secrets', '-n', 'prod'], verb: 'get', namespace: 'prod', context: 'prod', cluster: 'prod-eu' },
    decision: { decision: 'allow', rule: 'reads', message: 'reads are allowed', risk: { score: 5, factors: [] } as unknown as SessionManifest['decision']['risk'], mask: 'standard', record: true },
    approval: null, reason: null, agent: null, runId: null, relayCopy: false,
    chain: { seq, prev: '0'.repeat(64) },
    ...(observed ? { observed } : {}),
  };
  await writeFile(manifestPath, `${JSON.stringify(await signer.sign(payload), null, 2)}\n`);
  return { manifestPath, castPath, recordPath };
}
