// What a governed session leaves for the auditor: a masked asciicast v2 recording that asciinema
// plays, and a manifest the relay signed; interactive verbs in a pseudo-terminal; guardrails that
// leave nothing behind; a killed hkubectl that leaves a valid partial recording and an unclosed
// session at the relay. Real kubectl, sandbox, dev IdP and relay (test/e2e/stack.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, flattenedVerify } from 'jose';
import { spawn } from 'node:child_process';
import { HKUBECTL_BIN, hkubectl, KUBECTL, kubectl } from '../helpers/run.ts';
import { useStack } from './use-stack.ts';
import {
  eventsOf, expectedPlayback, rawEventsOf, isRunning, LongRun, manifestPayload, namesIn, newSession, playInAsciinema, readCast, readManifestFile,
} from './sessions.ts';

const e2e = useStack({ podIn: 'staging' });

let jwksUrl: string;

beforeAll(async () => {
  jwksUrl = `${e2e.stack.relay.url}/v1/jwks`;
});

const sumOf = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

describe('an allowed read', () => {
  it('leaves a recording asciinema plays and a relay-signed manifest that verifies', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const args = ['get', 'deployments', '-n', 'staging'];
    const result = await e2e.stack.hk(args);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(/^NAME\s+READY.*\nweb\s+1\/1/);

    const { session, castPath, manifestPath } = await newSession(e2e.stack.recordings, before);
    const cast = await readCast(castPath);
    expect(cast.header).toMatchObject({ command: 'kubectl get deployments -n staging', hk: { v: 1, session, stdout: 'pipe' } });
    // The agent and the recording got the same (masked) bytes; the recording holds them as a
    // terminal shows them, each LF as CR LF, so players draw lines, not a staircase.
    expect(eventsOf(cast, 'o')).toBe(result.stdout.toString());
    expect(rawEventsOf(cast, 'o')).toBe(result.stdout.toString().replace(/\n/g, '\r\n'));
    expect(cast.events.at(-1)).toEqual([expect.any(Number), 'm', 'exit 0']);

    const played = await playInAsciinema(castPath);
    expect(played.code).toBe(0);
    expect(played.output).toBe(expectedPlayback(cast));

    const manifest = await manifestPayload(manifestPath);
    expect(manifest).toMatchObject({
      hk: 1,
      session,
      identity: { subject: 'agent-7' },
      command: { argv: args, verb: 'get', namespace: 'staging' },
      decision: { decision: 'allow', rule: 'reads', risk: { score: expect.any(Number), factors: expect.arrayContaining([expect.objectContaining({ factor: 'identity' })]) } },
      approval: null,
      exitCode: 0,
      signal: null,
      terminal: false,
      relayCopy: true,
      cast: { file: `${session}.cast`, size: cast.text.length, events: cast.events.length },
      relayCheck: { v: 1, recording: 'checked', countedBy: 'relay', unmasked: {}, flagged: false },
    });
    expect(cast.events[0]).toEqual([expect.any(Number), 'm', `decision: allow by rule reads (risk ${manifest.decision.risk.score})`]);
    expect(manifest.cast.sha256).toBe(createHash('sha256').update(await readFile(castPath)).digest('hex'));

    const verified = await e2e.stack.hk(['verify', manifestPath, '--jwks', jwksUrl]);
    expect(verified.code).toBe(0);
    expect(verified.stdout.toString()).toMatch(new RegExp(`^verified\\s+${session}\\b`, 'm'));
  });

  it('has a manifest any JOSE library verifies with the relay\'s published keys, and verify catches an edited recording', async () => {
    const before = await namesIn(e2e.stack.recordings);
    expect((await e2e.stack.hk(['get', 'pods', '-n', 'staging'])).code).toBe(0);
    const { session, castPath, manifestPath } = await newSession(e2e.stack.recordings, before);

    const jwks = await (await fetch(jwksUrl)).json() as Parameters<typeof createLocalJWKSet>[0];
    const jws = await readManifestFile(manifestPath) as { payload: string; protected: string; signature: string };
    const { protectedHeader, payload } = await flattenedVerify(jws, createLocalJWKSet(jwks));
    expect(protectedHeader?.alg).toBe('EdDSA');
    expect(JSON.parse(Buffer.from(payload).toString()).session).toBe(session);

    // An auditor's copy where one byte of the output was changed.
    const copy = await mkdtemp(join(e2e.stack.root, 'tampered-'));
    await copyFile(manifestPath, join(copy, `${session}.manifest.json`));
    const text = await readFile(castPath, 'utf8');
    await writeFile(join(copy, `${session}.cast`), text.replace('Running', 'Runnin9'));
    const tampered = await e2e.stack.hk(['verify', copy, '--jwks', jwksUrl]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout.toString()).toMatch(new RegExp(`^TAMPERED\\s+${session}\\b[^\\n]*\\n.*the recording was altered`, 'm'));
  });
});

describe('an agent that stops reading', () => {
  /** Starts a command, reads its first bytes, then closes the pipe, as `| head -c 100` does. */
  function readFirstBytes(command: string, args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    const child = spawn(command, args, { env: e2e.stack.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stderr })));
  }

  it('gives kubectl the broken pipe kubectl alone would get, and still closes the session', async () => {
    // Output far larger than a pipe holds, so kubectl is still writing when the reader leaves.
    const data = randomBytes(1_500_000).toString('base64').replace(/.{100}/g, '$&\n');
    await writeFile(join(e2e.stack.root, 'big.txt'), data);
    const created = await kubectl(['create', 'configmap', 'big', '-n', 'staging', `--from-file=big.txt=${join(e2e.stack.root, 'big.txt')}`], { env: e2e.stack.env });
    expect(created.code).toBe(0);
    const args = ['get', 'configmap', 'big', '-n', 'staging', '-o', 'yaml'];

    const alone = await readFirstBytes(KUBECTL, args);
    expect(alone.signal).toBe('SIGPIPE');

    const before = await namesIn(e2e.stack.recordings);
    const governed = await readFirstBytes(process.execPath, [HKUBECTL_BIN, ...args]);
    // As a shell reports kubectl's death by SIGPIPE, and no e2e.stack trace from hkubectl.
    expect(governed).toEqual({ code: 128 + 13, signal: null, stderr: '' });
    const { manifestPath, castPath } = await newSession(e2e.stack.recordings, before);
    expect(await manifestPayload(manifestPath)).toMatchObject({ exitCode: 141, signal: 'SIGPIPE' });
    expect((await readCast(castPath)).events.at(-1)).toEqual([expect.any(Number), 'm', 'exit 141']);
    expect((await e2e.stack.hk(['verify', manifestPath, '--jwks', jwksUrl])).code).toBe(0);
  });
});

describe('reading a Secret', () => {
  let secretValues: string[];

  beforeAll(async () => {
    // The oracle: what plain kubectl prints, base64 and decoded.
    const plain = await kubectl(['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'json'], { env: e2e.stack.env });
    const data = (JSON.parse(plain.stdout.toString()) as { data: Record<string, string> }).data;
    expect(Buffer.from(data.password!, 'base64').toString()).toBe('s3cr3t-Pa55w0rd!');
    secretValues = [data.password!, data.url!, 's3cr3t-Pa55w0rd!', Buffer.from(data.url!, 'base64').toString()];
  });

  async function readMasked(output: string[]): Promise<{ stdout: string; cast: string; manifest: Record<string, any> }> {
    const before = await namesIn(e2e.stack.recordings);
    const result = await e2e.stack.hk(['get', 'secret', 'db-credentials', '-n', 'prod', ...output]);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    const { castPath, manifestPath } = await newSession(e2e.stack.recordings, before);
    return { stdout: result.stdout.toString(), cast: await readFile(castPath, 'utf8'), manifest: await manifestPayload(manifestPath) };
  }

  /** The relay counted the markers in its copy itself, agreed with the wrapper, and found nothing unmasked. */
  function expectRelayCounted(manifest: Record<string, any>): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(manifest.relayCheck).toMatchObject({ v: 1, recording: 'checked', countedBy: 'relay', unmasked: {}, flagged: false });
    expect(manifest.masking.counts).toEqual(manifest.relayCheck.wrapperCounts);
  }

  function expectNoSecretIn(text: string): void {
    for (const value of secretValues) expect(text).not.toContain(value);
    expect(text).not.toContain('s3cr3t');
  }

  it('masks the values in YAML for the agent and in the recording, and counts what it masked', async () => {
    const { stdout, cast, manifest } = await readMasked(['-o', 'yaml']);
    expectNoSecretIn(stdout);
    expectNoSecretIn(cast);
    const password = /^ {2}password: (\S+)$/m.exec(stdout)?.[1];
    expect(Buffer.from(password!, 'base64').toString()).toContain('MASKED');
    expect(manifest.decision).toMatchObject({ rule: 'secrets-read-masked', mask: 'strict' });
    expect(manifest.masking.profile).toBe('strict');
    expect(sumOf(manifest.masking.counts)).toBeGreaterThanOrEqual(2);
    expectRelayCounted(manifest);
  });

  it('keeps JSON output parseable while masking its values', async () => {
    const { stdout, cast, manifest } = await readMasked(['-o', 'json']);
    expectNoSecretIn(stdout);
    expectNoSecretIn(cast);
    const secret = JSON.parse(stdout) as { kind: string; data: Record<string, string> };
    expect(secret.kind).toBe('Secret');
    expect(Object.keys(secret.data).sort()).toEqual(['password', 'url', 'username']);
    expect(Buffer.from(secret.data.password!, 'base64').toString()).toContain('MASKED');
    expect(sumOf(manifest.masking.counts)).toBeGreaterThan(0);
    expectRelayCounted(manifest);
  });

  it('masks a jsonpath that picks the password alone', async () => {
    const { stdout, cast, manifest } = await readMasked(['-o', 'jsonpath={.data.password}']);
    expectNoSecretIn(stdout);
    expectNoSecretIn(cast);
    expect(stdout).not.toBe('');
    expect(Buffer.from(stdout, 'base64').toString()).toContain('MASKED');
    expect(sumOf(manifest.masking.counts)).toBeGreaterThan(0);
    expectRelayCounted(manifest);
  });

  // A template can print any function of a value, in forms no masker recognises, so the policy
  // refuses Go templates over Secrets altogether instead of letting them print.
  it('refuses a go-template that decodes the password, printing nothing of it', async () => {
    const result = await e2e.stack.hk(['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'go-template={{.data.password | base64decode}}']);
    expect(result.code).toBe(77);
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr.toString()).toMatch(/^hkubectl: blocked by guardrail \(rule no-templates-over-secrets, risk \d+\): go-template output .* are blocked for commands that can return Secrets/);
    expectNoSecretIn(result.stderr.toString());
  });
});

describe('a guardrail', () => {
  it('blocks deleting a namespace with exit 77 and one line, runs nothing and records nothing', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const sessionsBefore = await e2e.stack.client('alice').sessions('all');
    const result = await e2e.stack.hk(['delete', 'namespace', 'prod']);
    expect(result.code).toBe(77);
    expect(result.stdout.toString()).toBe('');
    const lines = result.stderr.toString().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hkubectl: blocked by guardrail \(rule no-namespace-delete, risk \d+\): deleting a namespace is blocked/);
    expect(await namesIn(e2e.stack.recordings)).toEqual(before);
    expect(await e2e.stack.client('alice').sessions('all')).toHaveLength(sessionsBefore.length);
    const still = await kubectl(['get', 'namespace', 'prod', '-o', 'jsonpath={.status.phase}'], { env: e2e.stack.env });
    expect(still.stdout.toString()).toBe('Active');
  });
});

describe('an interactive shell', () => {
  it('runs `exec -it` in a pseudo-terminal with piped input, records masked input and output, and returns the shell\'s exit code', async () => {
    const before = await namesIn(e2e.stack.recordings);
    // A fresh fake credential each run, typed in two pieces so the masker sees it cut in two.
    const secret = randomBytes(30).toString('base64');
    const shell = new LongRun(['exec', '-it', e2e.pod, '-n', 'staging', '--', 'sh'], e2e.stack.env);
    shell.child.stdin!.write('echo hi-from-pty\n');
    await shell.waitFor('stdout', /(?<!echo )hi-from-pty\r\n/);
    shell.child.stdin!.write(`export AWS_SECRET_ACCESS_KEY=${secret.slice(0, 15)}`);
    await shell.waitFor('stdout', /AWS_SECRET_ACCESS_KEY=/);
    shell.child.stdin!.write(`${secret.slice(15)}\nexit 7\n`);
    shell.child.stdin!.end();
    const { code, signal } = await shell.exited;
    expect(signal).toBeNull();
    expect(code).toBe(7);
    // A terminal, not a pipe: lines end in \r\n.
    expect(shell.stdout).toMatch(/(?<!echo )hi-from-pty\r\n/);

    const { castPath, manifestPath } = await newSession(e2e.stack.recordings, before);
    const cast = await readCast(castPath);
    const input = eventsOf(cast, 'i');
    const output = eventsOf(cast, 'o');
    expect(input).toContain('echo hi-from-pty\n');
    expect(input).toMatch(/AWS_SECRET_ACCESS_KEY=\[MASKED:/);
    expect(output).toMatch(/AWS_SECRET_ACCESS_KEY=\[MASKED:/);
    // No piece of the credential anywhere: not in the agent's output, not in the recording.
    for (let at = 0; at + 8 <= secret.length; at++) {
      expect(cast.text).not.toContain(secret.slice(at, at + 8));
      expect(shell.stdout).not.toContain(secret.slice(at, at + 8));
    }
    expect(cast.events.at(-1)).toEqual([expect.any(Number), 'm', 'exit 7']);

    const manifest = await manifestPayload(manifestPath);
    expect(manifest).toMatchObject({ terminal: true, exitCode: 7, decision: { rule: 'access' } });
    // The relay checked the pty recording too (input and output), and found the credential masked.
    expect(manifest.relayCheck).toMatchObject({ recording: 'checked', countedBy: 'relay', flagged: false });
    expect(sumOf(manifest.masking.counts)).toBeGreaterThan(0);
    const played = await playInAsciinema(castPath);
    expect(played.code).toBe(0);
    expect(played.output).toBe(expectedPlayback(cast));
    expect((await e2e.stack.hk(['verify', manifestPath, '--jwks', jwksUrl])).code).toBe(0);
  });
});

describe('a port-forward', () => {
  it('forwards HTTP to the pod from a pseudo-terminal and, stopped with SIGTERM, closes its session', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const forward = new LongRun(['port-forward', `pod/${e2e.pod}`, '0:80', '-n', 'staging'], e2e.stack.env);
    const [, port] = await forward.waitFor('stdout', /Forwarding from 127\.0\.0\.1:(\d+) -> 80/);
    const answer = await fetch(`http://127.0.0.1:${port}/`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain(`hello from staging/${e2e.pod}`);
    await forward.waitFor('stdout', /Handling connection for/);

    const kubectlPid = await forward.kubectlPid();
    forward.child.kill('SIGTERM');
    const { code, signal } = await forward.exited;
    // hkubectl reports kubectl's end (killed by the forwarded SIGTERM: 128+15), it is not killed itself.
    expect(signal).toBeNull();
    expect(code).toBe(143);
    expect(isRunning(kubectlPid)).toBe(false);

    const { session, castPath, manifestPath } = await newSession(e2e.stack.recordings, before);
    const cast = await readCast(castPath);
    expect(eventsOf(cast, 'o')).toContain(`Forwarding from 127.0.0.1:${port} -> 80\r\n`);
    expect(eventsOf(cast, 'o')).toContain(`Handling connection for ${port}\r\n`);
    expect(await manifestPayload(manifestPath)).toMatchObject({ terminal: true, exitCode: 143, command: { verb: 'port-forward' } });
    const verified = await e2e.stack.hk(['verify', manifestPath, '--jwks', jwksUrl]);
    expect(verified.code).toBe(0);
    const unclosed = await e2e.stack.client('alice').sessions('unclosed');
    expect(unclosed.map((s) => s.sessionId)).not.toContain(session);
  });
});

describe('a hkubectl killed mid-session', () => {
  it('leaves a valid partial recording, no manifest, and a session the relay lists as unclosed', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const watch = new LongRun(['get', 'deployments', '-w', '-n', 'staging'], e2e.stack.env);
    await watch.waitFor('stdout', /^web\s/m);
    const kubectlPid = await watch.kubectlPid();
    watch.child.kill('SIGKILL');
    expect(await watch.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // A SIGKILLed hkubectl cannot take its kubectl down (see the report): the test does.
    if (isRunning(kubectlPid)) process.kill(kubectlPid, 'SIGKILL');

    const { session, castPath, manifestPath } = await newSession(e2e.stack.recordings, before);
    const cast = await readCast(castPath);
    expect(eventsOf(cast, 'o')).toMatch(/^web\s/m);
    expect(cast.events.map(([, code]) => code)).not.toContain('i');
    expect(cast.events.filter(([, code, data]) => code === 'm' && data.startsWith('exit'))).toEqual([]);
    await expect(readFile(manifestPath)).rejects.toMatchObject({ code: 'ENOENT' });
    const played = await playInAsciinema(castPath);
    expect(played.code).toBe(0);
    expect(played.output).toBe(expectedPlayback(cast));

    const audit = await hkubectl(['audit', 'sessions', '--relay', e2e.stack.relay.url], { env: e2e.stack.envOf('alice') });
    expect(audit.code).toBe(0);
    const line = audit.stdout.toString().split('\n').find((l) => l.includes(session));
    expect(line).toMatch(/agent-7: kubectl get deployments -w -n staging .*UNCLOSED/);
  });
});
