// Recordings as the wrapper and relay leave them, made here: a .cast with chosen events and a
// manifest signed exactly per the contract (flattened JWS, EdDSA, kid, typ hk-manifest+json) with
// an Ed25519 key created for the test.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, FlattenedSign, generateKeyPair, type JWK } from 'jose';
import { eventLine, headerLine, type AsciicastEvent } from '../../src/recording/asciicast.ts';

export interface TestRelayKeys {
  jwks: { keys: JWK[] };
  sign(payload: unknown): Promise<{ payload: string; protected: string; signature: string }>;
}

export async function relayKeys(): Promise<TestRelayKeys> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    jwks: { keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] },
    sign: (payload) =>
      new FlattenedSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'hk-manifest+json' })
        .sign(privateKey) as Promise<{ payload: string; protected: string; signature: string }>,
  };
}

export interface SessionSpec {
  session: string;
  argv?: string[];
  events?: AsciicastEvent[];
  startedAt?: string;
  subject?: string;
  email?: string;
  namespace?: string;
  verb?: string;
  rule?: string;
  risk?: number;
  approval?: { requestId: string; approver: string; justification: string } | null;
  mask?: string;
  exitCode?: number;
  unsigned?: boolean;
  chain?: { seq: number; prev: string };
  /** The header's hk.stdout (absent: a recording made before the field existed). */
  stdout?: 'pipe' | 'pty';
  /** The manifest's `terminal` (default false). */
  terminal?: boolean;
  /** Sign this .cast, already written (by hkubectl's own writer), instead of writing one. */
  castOverride?: string;
}

export function castText(spec: SessionSpec): string {
  const argv = spec.argv ?? ['get', 'pods'];
  const header = { version: 2 as const, width: 80, height: 24, timestamp: 1_750_000_000, command: ['kubectl', ...argv].join(' '), hk: { v: 1 as const, session: spec.session, ...(spec.stdout ? { stdout: spec.stdout } : {}) } };
  const events = spec.events ?? [[0, 'm', `decision: allow by rule ${spec.rule ?? 'reads'} (risk ${spec.risk ?? 5})`], [0.1, 'o', 'NAME   READY\r\nweb-1  1/1\r\n'], [0.2, 'm', 'exit 0']];
  return headerLine(header) + events.map(([t, code, data]) => eventLine(t, code, data)).join('');
}

let nextSeq = 1000;

export function manifestPayload(spec: SessionSpec, cast: string): Record<string, unknown> {
  const argv = spec.argv ?? ['get', 'pods'];
  const draftCast = { file: `${spec.session}.cast`, sha256: createHash('sha256').update(cast).digest('hex'), size: Buffer.byteLength(cast), events: cast.split('\n').length - 2 };
  const startedAt = spec.startedAt ?? '2026-03-01T10:00:00.000Z';
  return {
    hk: 1, session: spec.session, issuedAt: startedAt,
    identity: { subject: spec.subject ?? 'agent-7', issuer: 'http://127.0.0.1/idp', ...(spec.email ? { email: spec.email } : {}), groups: ['agents'] },
    command: { argv, verb: spec.verb ?? argv[0], namespace: spec.namespace ?? 'default', context: 'sandbox', cluster: 'https://127.0.0.1:6443' },
    decision: { decision: 'allow', rule: spec.rule ?? 'reads', message: 'allowed', risk: { score: spec.risk ?? 5, factors: [] }, mask: spec.mask ?? 'standard', record: true },
    approval: spec.approval
      ? { requestId: spec.approval.requestId, requestedAt: startedAt, approver: { subject: spec.approval.approver, email: `${spec.approval.approver}@bank.example` }, justification: spec.approval.justification, reviewedAt: startedAt }
      : null,
    reason: 'checking the rollout', agent: 'test-agent', runId: 'run-1',
    cast: draftCast, startedAt, endedAt: startedAt, exitCode: spec.exitCode ?? 0, signal: null, terminal: spec.terminal ?? false,
    masking: { profile: spec.mask ?? 'standard', counts: {} },
    relayCopy: true,
    // Each manifest is its own audit-log entry: two claiming one seq is a sign of copying.
    chain: spec.chain ?? { seq: (nextSeq += 1), prev: '0'.repeat(64) },
  };
}

/** Writes `<session>.cast` and `<session>.manifest.json` into `dir`. */
export async function writeSession(dir: string, keys: TestRelayKeys, spec: SessionSpec): Promise<Record<string, unknown>> {
  const cast = spec.castOverride ? await readFile(spec.castOverride, 'utf8') : castText(spec);
  if (!spec.castOverride) await writeFile(join(dir, `${spec.session}.cast`), cast);
  const payload = manifestPayload(spec, cast);
  const manifest = spec.unsigned
    ? { hk: 1, unsigned: true, draft: { hk: 1, session: spec.session, cast: payload.cast, startedAt: payload.startedAt, endedAt: payload.endedAt, exitCode: payload.exitCode, signal: null, terminal: payload.terminal, masking: payload.masking } }
    : await keys.sign(payload);
  await writeFile(join(dir, `${spec.session}.manifest.json`), JSON.stringify(manifest));
  return payload;
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * An audit log with one of each request that never became a session, as the relay writes them:
 * a guardrail block, an approval request denied by alice, one that expired, and one approved and
 * used (which is not a refusal). Entries are a minute apart from `start`.
 */
export function refusalEvents(): Array<Record<string, unknown> & { type: string }> {
  const requester = { subject: 'agent-7', issuer: 'http://127.0.0.1/idp', email: 'agent-7@bank.example', groups: ['agents'] };
  const alice = { subject: 'alice', issuer: 'http://127.0.0.1/idp', email: 'alice@bank.example', groups: ['approvers'] };
  const fields = (command: string, namespace: string) => ({ requester, command, argv: command.split(' ').slice(1), namespace, context: 'sandbox', verb: command.split(' ')[1], reason: `reason for ${command}` });
  return [
    { type: 'decision', outcome: 'deny', guardrail: true, rule: 'no-namespace-deletes', message: 'deleting a namespace is never allowed', risk: { score: 95, factors: [] }, ...fields('kubectl delete namespace prod', 'prod') },
    { type: 'decision', outcome: 'approve', guardrail: false, rule: 'writes-in-production', message: 'a write in production needs an approver', risk: { score: 60, factors: [] }, requestId: 'req-denied', newRequest: true, ...fields('kubectl scale deployment/web --replicas=0 -n prod', 'prod') },
    { type: 'review', requestId: 'req-denied', verdict: 'deny', by: alice, justification: 'not during the freeze', command: 'kubectl scale deployment/web --replicas=0 -n prod' },
    { type: 'decision', outcome: 'approve', guardrail: false, rule: 'access-in-production', message: 'exec in production needs an approver', risk: { score: 70, factors: [] }, requestId: 'req-expired', newRequest: true, ...fields('kubectl exec web-1 -n prod -- sh', 'prod') },
    { type: 'expire', requestId: 'req-expired', command: 'kubectl exec web-1 -n prod -- sh' },
    { type: 'decision', outcome: 'approve', guardrail: false, rule: 'writes-in-production', message: 'a write in production needs an approver', risk: { score: 60, factors: [] }, requestId: 'req-ok', newRequest: true, ...fields('kubectl rollout restart deployment/web -n prod', 'prod') },
    { type: 'review', requestId: 'req-ok', verdict: 'approve', by: alice, justification: 'INC-1', command: 'kubectl rollout restart deployment/web -n prod' },
    { type: 'decision', outcome: 'allow', guardrail: false, rule: 'writes-in-production', message: 'approved', risk: { score: 60, factors: [] }, requestId: 'req-ok', consumes: 'req-ok', sessionId: 's-approved', record: true, ...fields('kubectl rollout restart deployment/web -n prod', 'prod') },
  ];
}

/** Seals `events` into `<dataDir>/audit.jsonl` as the relay appends them, a minute apart from `start`. */
export async function writeAuditLog(dataDir: string, events: Array<Record<string, unknown> & { type: string }>, start = '2026-03-01T10:00:00.000Z') {
  const { GENESIS, sealEntry } = await import('../../src/contract/audit-chain.ts');
  const entries: Array<{ hash: string; seq: number; ts: string }> = [];
  const lines: string[] = [];
  for (const [i, event] of events.entries()) {
    const { line, entry } = sealEntry(event, i + 1, new Date(Date.parse(start) + i * 60_000).toISOString(), entries.at(-1)?.hash ?? GENESIS);
    entries.push(entry);
    lines.push(line);
  }
  await writeFile(join(dataDir, 'audit.jsonl'), `${lines.join('\n')}\n`);
  return entries;
}
