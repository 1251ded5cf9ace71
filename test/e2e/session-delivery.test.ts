// Getting a session's record to the relay when things go wrong: the relay down when a session
// ends (unsigned marker, spooled draft, `hkubectl sync` once it is back), the relay down before a
// command (nothing runs), and a recordings directory that cannot be written (nothing runs).
// Real kubectl, sandbox, dev IdP and a relay stopped and restarted on its port and data dir.
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kubectl } from '../helpers/run.ts';
import { useStack } from './use-stack.ts';
import { LongRun, manifestPayload, namesIn, newSession, readManifestFile } from './sessions.ts';

const e2e = useStack();

let spoolDir: string;
let jwksFile: string;

beforeAll(async () => {
  spoolDir = join(e2e.stack.env.HKUBECTL_DATA_DIR!, 'spool');
  // An auditor's copy of the relay's public keys, for verifying while the relay is down.
  jwksFile = join(e2e.stack.root, 'jwks.json');
  await writeFile(jwksFile, await (await fetch(`${e2e.stack.relay.url}/v1/jwks`)).text());
});

const stderrLines = (stderr: Buffer | string): string[] => stderr.toString().split('\n').filter(Boolean);
const spooled = async (): Promise<string[]> => (await namesIn(spoolDir)).filter((name) => name.endsWith('.json'));

async function stagingReplicas(): Promise<string> {
  const result = await kubectl(['get', 'deployment', 'web', '-n', 'staging', '-o', 'jsonpath={.spec.replicas}'], { env: e2e.stack.env });
  return result.stdout.toString();
}

/** A watch that is still running when the relay goes down, then ended with SIGTERM. */
async function sessionOutlivingTheRelay(): Promise<{ code: number | null; stderr: string; session: string; castPath: string; manifestPath: string }> {
  const before = await namesIn(e2e.stack.recordings);
  const watch = new LongRun(['get', 'deployments', '-n', 'staging', '-w'], e2e.stack.env);
  await watch.waitFor('stdout', /^web\s/m);
  await e2e.stack.stopRelay();
  watch.child.kill('SIGTERM');
  const { code, signal } = await watch.exited;
  expect(signal).toBeNull();
  // kubectl's own end (its watch exits 1 on SIGTERM, or dies of it: 143) stands.
  expect([1, 143]).toContain(code);
  return { code, stderr: watch.stderr, ...(await newSession(e2e.stack.recordings, before)) };
}

describe('a recordings directory that cannot be written', () => {
  it('stops the command before it asks the relay: exit 78, one line naming the directory, nothing run', async () => {
    const file = join(e2e.stack.root, 'not-a-directory');
    await writeFile(file, 'x');
    const alice = e2e.stack.client('alice');
    for (const recordings of [file, join(file, 'recordings')]) {
      const sessionsBefore = (await alice.sessions('all')).length;
      const pendingBefore = (await alice.list()).requests.length;
      const result = await e2e.stack.hk(['scale', 'deployment', 'web', '-n', 'staging', '--replicas=3'], { env: { HKUBECTL_RECORDINGS: recordings } });
      expect(result.code).toBe(78);
      expect(result.stdout.toString()).toBe('');
      const lines = stderrLines(result.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`hkubectl: cannot record sessions in ${recordings}: `);
      expect(lines[0]).toContain('nothing was run');
      expect(await stagingReplicas()).toBe('1');
      // The relay was not asked: no session opened, no approval spent or requested.
      expect(await alice.sessions('all')).toHaveLength(sessionsBefore);
      expect((await alice.list()).requests).toHaveLength(pendingBefore);
    }
    expect(await readFile(file, 'utf8')).toBe('x');
  });
});

describe('the relay down when a session ends', () => {
  it('leaves an unsigned manifest and a spooled draft, warns once, and keeps kubectl\'s exit code; sync signs it once the relay is back', async () => {
    const { code, stderr, session, castPath, manifestPath } = await sessionOutlivingTheRelay();
    try {
      expect(stderrLines(stderr)).toEqual([
        expect.stringMatching(new RegExp(`^hkubectl: warning: session ${session} could not be signed now \\(cannot reach the policy relay at .*\\); its manifest stays unsigned until \`hkubectl sync\` delivers it$`)),
      ]);
      const marker = await readManifestFile(manifestPath);
      expect(marker).toMatchObject({ hk: 1, unsigned: true, draft: { hk: 1, session, exitCode: code, terminal: false } });
      expect((marker.draft as { cast: { sha256: string } }).cast.sha256).toBe(createHash('sha256').update(await readFile(castPath)).digest('hex'));
      expect(await spooled()).toEqual([`${session}.json`]);

      const unsigned = await e2e.stack.hk(['verify', manifestPath, '--jwks', jwksFile]);
      expect(unsigned.code).toBe(1);
      expect(unsigned.stdout.toString()).toMatch(new RegExp(`^UNSIGNED\\s+${session}\\b`, 'm'));

      // With the relay down, a new command gets no decision and does not run.
      const before = await namesIn(e2e.stack.recordings);
      const refused = await e2e.stack.hk(['scale', 'deployment', 'web', '-n', 'staging', '--replicas=2']);
      expect(refused.code).toBe(75);
      expect(refused.stdout.toString()).toBe('');
      expect(stderrLines(refused.stderr)).toEqual([expect.stringMatching(/^hkubectl: cannot reach the policy relay at http:\/\/127\.0\.0\.1:\d+: connection refused — nothing was run/)]);
      expect(await stagingReplicas()).toBe('1');
      expect(await namesIn(e2e.stack.recordings)).toEqual(before);
      expect(await spooled()).toEqual([`${session}.json`]);

      // sync cannot deliver yet: it says so, exits 75, and keeps the draft.
      const early = await e2e.stack.hk(['sync']);
      expect(early.code).toBe(75);
      expect(stderrLines(early.stderr)).toEqual([expect.stringMatching(/^hkubectl: 1 session still waiting for the relay \(cannot reach the policy relay .*\) — run `hkubectl sync` again/)]);
      expect(await spooled()).toEqual([`${session}.json`]);
      expect(await readManifestFile(manifestPath)).toMatchObject({ unsigned: true });
    } finally {
      await e2e.stack.restartRelay();
    }

    const synced = await e2e.stack.hk(['sync']);
    expect(synced.stderr.toString()).toBe('');
    expect(synced.code).toBe(0);
    expect(synced.stdout.toString()).toMatch(new RegExp(`^signed\\s+${session}\\s+${manifestPath}$`, 'm'));
    expect(await spooled()).toEqual([]);
    expect(await manifestPayload(manifestPath)).toMatchObject({ session, exitCode: code, identity: { subject: 'agent-7' }, relayCopy: true });
    const verified = await e2e.stack.hk(['verify', manifestPath, '--jwks', `${e2e.stack.relay.url}/v1/jwks`]);
    expect(verified.code).toBe(0);
    expect(verified.stdout.toString()).toMatch(new RegExp(`^verified\\s+${session}\\b`, 'm'));
    expect((await e2e.stack.client('alice').sessions('unclosed')).map((s) => s.sessionId)).not.toContain(session);

    const again = await e2e.stack.hk(['sync']);
    expect(again.code).toBe(0);
    expect(again.stdout.toString()).toBe('nothing to sync\n');
  });

  it('is delivered by the next governed command once the relay is back', async () => {
    const { session, manifestPath } = await sessionOutlivingTheRelay();
    await e2e.stack.restartRelay();
    expect(await spooled()).toEqual([`${session}.json`]);

    const next = await e2e.stack.hk(['get', 'pods', '-n', 'staging']);
    expect(next.stderr.toString()).toBe('');
    expect(next.code).toBe(0);
    expect(await spooled()).toEqual([]);
    expect(await manifestPayload(manifestPath)).toMatchObject({ session });
    expect((await e2e.stack.hk(['verify', manifestPath, '--jwks', `${e2e.stack.relay.url}/v1/jwks`])).code).toBe(0);
  });
});

describe('a relay restart while the agent waits for approval', () => {
  it('loses neither the request nor the wait: approved after the restart, the command runs and its session is signed', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const scale = new LongRun(['scale', 'deployment', 'web', '-n', 'prod', '--replicas=2', '--hk-reason', 'INC-77 cost cut', '--hk-wait', '60s'], e2e.stack.env);
    const [waiting] = await scale.waitFor('stderr', /^hkubectl: approval needed .*request ([0-9a-f-]{36}) for .*\n/);
    const requestId = /request ([0-9a-f-]{36})/.exec(waiting)![1]!;
    await e2e.stack.restartRelay();
    await e2e.stack.client('alice').review(requestId, 'approve', 'INC-77: two replicas are enough');
    const { code } = await scale.exited;
    expect(code).toBe(0);
    expect(scale.stdout).toBe('deployment.apps/web scaled\n');
    const replicas = await kubectl(['get', 'deployment', 'web', '-n', 'prod', '-o', 'jsonpath={.spec.replicas}'], { env: e2e.stack.env });
    expect(replicas.stdout.toString()).toBe('2');
    const { manifestPath } = await newSession(e2e.stack.recordings, before);
    expect(await manifestPayload(manifestPath)).toMatchObject({ approval: { requestId, approver: { subject: 'alice' } } });
    expect((await e2e.stack.hk(['verify', manifestPath, '--jwks', `${e2e.stack.relay.url}/v1/jwks`])).code).toBe(0);
  });
});
