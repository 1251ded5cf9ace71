// `hkubectl audit export` through the real executable, taking the audit log and keys from a
// relay's data directory (as the relay writes them: audit.jsonl and keys.json).
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS, sealEntry, type AuditEntry, type SealableEvent } from '../../src/contract/audit-chain.ts';
import { KEYS_FILE } from '../../src/relay/server/keys.ts';
import { AUDIT_LOG_FILE } from '../../src/relay/server/server.ts';
import { CHECKPOINTS_FILE } from '../../src/relay/server/store/checkpoint-file.ts';
import { HKUBECTL_BIN, hkubectl, runInPty } from '../helpers/run.ts';
import { relayKeys, tempDir, writeSession } from '../replay/fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
let env: NodeJS.ProcessEnv;
let recordings: string;
let data: string;
const lines: string[] = [];

beforeAll(async () => {
  dir = await tempDir('hk-export-cli-');
  recordings = join(dir.path, 'recordings');
  data = join(dir.path, 'relay-data');
  await mkdir(recordings);
  await mkdir(data);
  const keys = await relayKeys();
  await writeFile(join(recordings, 'jwks.json'), JSON.stringify(keys.jwks));
  await writeFile(join(data, KEYS_FILE), JSON.stringify({ keys: [{ publicJwk: keys.jwks.keys[0], privateJwk: { d: 'not for export' } }] }));
  const entries: AuditEntry[] = [];
  const append = (event: SealableEvent, ts: string) => {
    const { line, entry } = sealEntry(event, entries.length + 1, ts, entries.at(-1)?.hash ?? GENESIS);
    entries.push(entry);
    lines.push(line);
  };
  // One entry before the range, then a session allowed, recorded and closed inside it.
  append({ type: 'decision', outcome: 'allow', sessionId: 's-old', requester: { subject: 'agent-7' }, command: 'kubectl get ns', record: true }, '2026-02-27T10:00:00.000Z');
  append({ type: 'decision', outcome: 'allow', sessionId: 's-1', requester: { subject: 'agent-7' }, command: 'kubectl get pods', record: true }, '2026-03-01T10:00:00.000Z');
  await writeSession(recordings, keys, { session: 's-1', startedAt: '2026-03-01T10:00:00.000Z', chain: { seq: 3, prev: entries.at(-1)!.hash } });
  const { payload } = JSON.parse(await readFile(join(recordings, 's-1.manifest.json'), 'utf8')) as { payload: string };
  append({ type: 'session.closed', sessionId: 's-1', manifestSha256: createHash('sha256').update(Buffer.from(payload, 'base64url')).digest('hex') }, '2026-03-01T10:00:01.000Z');
  // A torn last line (the relay was writing when the log was read) is not an entry yet.
  await writeFile(join(data, AUDIT_LOG_FILE), `${lines.join('\n')}\n{"v":1,"seq":4,"ts":"2026-03-01T11:`);
  env = { PATH: process.env.PATH, HOME: dir.path, HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data'), FORCE_COLOR: '0' };
});
afterAll(() => dir?.remove());

const exportArgs = (out: string) => ['audit', 'export', '--since', '2026-03-01', '--until', '2026-03-02', '--dir', recordings, '--data', data, '--out', out];

describe('hkubectl audit export --data', () => {
  it("copies the range's audit entries from the relay's log, checks the chain and the manifest's link, and exports only public keys", async () => {
    const out = join(dir.path, 'bundle');
    const result = await hkubectl(exportArgs(out), { env });
    expect(result.stderr.toString()).toContain(`export: 1 sessions written to ${out}`);
    expect(result.code).toBe(0);
    expect(await readFile(join(out, 'audit-log.jsonl'), 'utf8')).toBe(`${lines.slice(1).join('\n')}\n`);
    const report = JSON.parse(await readFile(join(out, 'verification-report.json'), 'utf8'));
    expect(report.audit).toMatchObject({ segment: { entries: 2, firstSeq: 2, lastSeq: 3, broken: null }, chainProblems: [], allowedWithoutRecording: [] });
    expect(await readFile(join(out, 'jwks.json'), 'utf8')).not.toContain('not for export');
  });

  it('prints its summary as JSON with -o json: where the bundle is, whether it is clean, and the counts', async () => {
    const out = join(dir.path, 'bundle-json');
    const result = await hkubectl([...exportArgs(out), '-o', 'json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({
      out, clean: true, totals: { sessions: 1 }, missingRecordings: [], notVerified: [], auditLog: { broken: null, chainProblems: [] },
    });
  });

  it("carries the relay's signed checkpoints into the bundle as they are kept", async () => {
    const checkpoint = { payload: 'eyJ2IjoxLCJzZXEiOjN9', protected: 'eyJhbGciOiJFZERTQSIsInR5cCI6ImhrLWNoZWNrcG9pbnQranNvbiJ9', signature: 'c2ln' };
    await writeFile(join(data, CHECKPOINTS_FILE), `${JSON.stringify(checkpoint)}\n`);
    try {
      const out = join(dir.path, 'bundle-with-checkpoints');
      const result = await hkubectl(exportArgs(out), { env });
      expect(result.code).toBe(0);
      expect(await readFile(join(out, 'checkpoints.jsonl'), 'utf8')).toBe(`${JSON.stringify(checkpoint)}\n`);
      expect(await readFile(join(out, 'README.txt'), 'utf8')).toMatch(/checkpoints\.jsonl +the relay's signed checkpoints/);
    } finally {
      await rm(join(data, CHECKPOINTS_FILE), { force: true });
    }
  });

  it('refuses an audit log with a line that is not JSON, with one clear line and exit 78', async () => {
    await appendFile(join(data, AUDIT_LOG_FILE), 'garbage\n');
    try {
      const result = await hkubectl(exportArgs(join(dir.path, 'refused')), { env });
      expect(result.code).toBe(78);
      expect(result.stderr.toString()).toMatch(/^hkubectl: .*audit\.jsonl: line at byte \d+ is not JSON/m);
    } finally {
      await writeFile(join(data, AUDIT_LOG_FILE), `${lines.join('\n')}\n`);
    }
  });
});

describe('hkubectl audit export without an audit-log source', () => {
  const partialArgs = (out: string) => ['audit', 'export', '--since', '2026-03-01', '--until', '2026-03-02', '--dir', recordings, '--jwks', join(recordings, 'jwks.json'), '--out', out];
  it('writes the bundle but says it is partial, in its RESULT line and README.txt, and exits 78', async () => {
    const out = join(dir.path, 'partial');
    const result = await hkubectl(partialArgs(out), { env });
    expect(result.code).toBe(78);
    const stderr = result.stderr.toString();
    expect(stderr).toMatch(/^hkubectl: the bundle was written without the relay's audit log: approval trails and chain checks are missing/m);
    expect(stderr).toMatch(/^RESULT: PARTIAL/m);
    const report = await readFile(join(out, 'verification-report.txt'), 'utf8');
    expect(report).not.toContain('nothing missing');
    expect(report).toMatch(/^RESULT: PARTIAL — the sessions in the bundle verified, but the relay's audit log is not included, so the approval trails .* and the chain checks .* are missing\.$/m);
    expect(await readFile(join(out, 'README.txt'), 'utf8')).toMatch(/^PARTIAL BUNDLE: the relay's audit log is not included/m);
  });

  it('exits 0 with --allow-partial, and still says what the bundle lacks, also in -o json', async () => {
    const out = join(dir.path, 'partial-allowed');
    const result = await hkubectl([...partialArgs(out), '--allow-partial', '-o', 'json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({ clean: true, complete: false, missing: [expect.stringContaining("audit log is not included")], auditLog: null });
    expect(await readFile(join(out, 'README.txt'), 'utf8')).toContain('PARTIAL BUNDLE');
  });

  it('takes the audit log from the configured relay (HKUBECTL_RELAY) rather than writing a partial bundle', async () => {
    const out = join(dir.path, 'from-configured-relay');
    // Nothing listens there: the export asks that relay and fails, instead of leaving the log out.
    const result = await hkubectl(partialArgs(out), { env: { ...env, HKUBECTL_RELAY: 'http://127.0.0.1:9/' } });
    expect(result.code).not.toBe(0);
    expect(result.stderr.toString()).not.toContain('PARTIAL');
    expect(result.stderr.toString()).toMatch(/^hkubectl: .*(log in|login|127\.0\.0\.1:9)/m);
  });

  it('prints no progress on a pipe: only the result', async () => {
    const result = await hkubectl([...exportArgs(join(dir.path, 'piped'))], { env });
    expect(result.code).toBe(0);
    expect(result.stderr.toString()).toBe(`export: 1 sessions written to ${join(dir.path, 'piped')}\nRESULT: every session verified; nothing missing.\n`);
  });

  it('shows progress on a terminal, sessions done of the total and bytes, redrawn on one line', async () => {
    const { code, output } = await runInPty(process.execPath, [HKUBECTL_BIN, ...exportArgs(join(dir.path, 'on-a-tty'))], { env, cols: 120 });
    expect(code).toBe(0);
    expect(output).toMatch(/\r\x1b\[Kexport: writing sessions: 1\/1, \d+ B of recordings/);
    expect(output).not.toMatch(/in range/);
  });
});
