// `hkubectl demo` as a new user runs it: the real executable, no terminal (stdin closed), from a
// directory that is not the repository. Real sandbox, dev IdP, relay and kubectl, all started by
// the demo itself on 127.0.0.1.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCRIPT } from '../../src/demo/script.ts';
import { hkubectl, type RunResult } from '../helpers/run.ts';
import { expectNoSecretIn, filesIn, SECRET_FORMS } from './secrets.ts';

let work: string;
let tmp: string;
let first: RunResult;
const recordings = () => join(work, 'recordings');

/** The demo with a private TMPDIR, so what it leaves behind there can be seen. */
function demo(args: string[]): Promise<RunResult> {
  return hkubectl(['demo', ...args], { cwd: work, env: { PATH: process.env.PATH, HOME: work, TMPDIR: tmp }, timeoutMs: 120_000 });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hk-demo-test-'));
  tmp = await mkdtemp(join(tmpdir(), 'hk-demo-tmp-'));
  first = await demo([]);
}, 150_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(tmp, { recursive: true, force: true });
});

const recordedSteps = DEMO_SCRIPT.filter((step) => step.expect !== 'blocked').length;

describe('hkubectl demo without a terminal', () => {
  it('runs the whole story unattended and exits 0', () => {
    expect(first.stderr.toString()).toBe('');
    expect(first.code).toBe(0);
  });

  it('tells of the agent signing in through the device flow', () => {
    const story = first.stdout.toString();
    expect(story).toContain('$ hkubectl login');
    expect(story).toMatch(/enter the code [A-Z]{4}-[A-Z]{4}/);
    expect(story).toMatch(/Logged in as agent-7 <agent-7@agents\.bank\.example> \(groups: agents\)/);
  });

  it('shows the namespace delete blocked by the guardrail', () => {
    const story = first.stdout.toString();
    expect(story).toContain('$ hkubectl delete namespace staging');
    expect(story).toMatch(/hkubectl: blocked by guardrail \(rule no-namespace-delete, risk \d+\)/);
    expect(story).toContain('blocked: nothing ran and there is nothing to approve (exit 77)');
  });

  it('shows the Secret read with every value masked', () => {
    const story = first.stdout.toString();
    const values = [...story.matchAll(/│ {3}(password|url|username): (\S+)/g)];
    expect(values.map((match) => match[1]).sort()).toEqual(['password', 'url', 'username']);
    for (const [, , value] of values) expect(Buffer.from(value!, 'base64').toString()).toMatch(/^\[MASKED:[\w-]+\]$/);
  });

  it('never shows the Secret\'s password, plain or base64, on stdout or stderr', () => {
    for (const form of SECRET_FORMS) {
      expect(first.stdout.toString()).not.toContain(form);
      expect(first.stderr.toString()).not.toContain(form);
    }
  });

  it('shows the exec and the scale held for approval, then approved by the scripted approver with a justification', () => {
    const story = first.stdout.toString();
    expect(story).toMatch(/hkubectl: approval needed \(rule access-in-production, risk \d+\): request \S+ for approvers/);
    expect(story).toMatch(/hkubectl: approval needed \(rule writes-in-production, risk \d+\): request \S+ for approvers/);
    for (const step of DEMO_SCRIPT.filter((candidate) => candidate.expect === 'approval')) {
      expect(story).toContain(`✔ approved by alice: ${step.approval!.justification}`);
    }
    expect(story).toContain('deployment.apps/payments-api scaled');
  });

  it('prints plain text, without colour codes, when stdout is not a terminal', () => {
    expect(first.stdout.toString()).not.toContain('\u001b[');
  });

  it('writes a .cast and a signed manifest per session the relay allowed, and the relay\'s JWKS, into ./recordings', async () => {
    const names = await readdir(recordings());
    expect(names.filter((name) => name.endsWith('.cast'))).toHaveLength(recordedSteps);
    const manifests = names.filter((name) => name.endsWith('.manifest.json'));
    expect(manifests).toHaveLength(recordedSteps);
    for (const name of manifests) {
      expect(Object.keys(JSON.parse(await readFile(join(recordings(), name), 'utf8'))).sort()).toEqual(['payload', 'protected', 'signature']);
    }
    const jwks = JSON.parse(await readFile(join(recordings(), 'jwks.json'), 'utf8'));
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('leaves the password in no file of the recordings directory', async () => {
    await expectNoSecretIn(recordings());
  });

  it('recordings verify with `hkubectl verify <dir> --jwks <dir>/jwks.json`, approvals by alice included', async () => {
    const result = await hkubectl(['verify', recordings(), '--jwks', join(recordings(), 'jwks.json'), '-o', 'json']);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    const sessions = JSON.parse(result.stdout.toString()) as Array<{ status: string; manifest: { command: { verb: string }; approval: { approver: { subject: string } } | null } }>;
    expect(sessions.map((session) => session.status)).toEqual(Array(recordedSteps).fill('verified'));
    const approved = sessions.filter((session) => session.manifest.approval !== null);
    expect(approved.map((session) => [session.manifest.command.verb, session.manifest.approval!.approver.subject]).sort()).toEqual([['exec', 'alice'], ['scale', 'alice']]);
  });

  it('prints the commands to replay, play, verify and export, with the directory as the user named it', () => {
    const story = first.stdout.toString();
    expect(story).toMatch(/hkubectl replay recordings\/[0-9a-f-]{36}\.cast/);
    expect(story).toContain('hkubectl play recordings');
    expect(story).toContain('hkubectl verify recordings --jwks recordings/jwks.json');
    expect(story).toContain('hkubectl audit export --since 1d --dir recordings --data recordings/relay-log --jwks recordings/jwks.json --out');
  });

  it('stops its servers and removes its temp files', async () => {
    expect(await readdir(tmp)).toEqual([]);
  });
});

describe('hkubectl demo run again, with -o json', () => {
  let second: RunResult;
  let dir = (): string => JSON.parse(second.stdout.toString()).dir as string;
  beforeAll(async () => {
    second = await demo(['-o', 'json']);
    const written = JSON.parse(second.stdout.toString()).dir as string;
    dir = () => written;
  }, 150_000);

  it('writes into a run-<time> subdirectory of the default directory, leaving the first run\'s recordings alone', async () => {
    expect(second.code).toBe(0);
    expect(dir().startsWith(join(recordings(), 'run-'))).toBe(true);
    const result = await hkubectl(['verify', recordings(), '--jwks', join(recordings(), 'jwks.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain(`${recordedSteps} sessions: ${recordedSteps} verified`);
  });

  it('prints a JSON summary on stdout and the story on stderr', () => {
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout.toString());
    expect(summary).toMatchObject({ dir: dir(), jwks: join(dir(), 'jwks.json'), verified: true });
    expect(summary.steps.map((step: { expected: string; exitCode: number }) => [step.expected, step.exitCode]))
      .toEqual(DEMO_SCRIPT.map((step) => [step.expect, step.expect === 'blocked' ? 77 : 0]));
    expect(summary.sessions.map((session: { status: string }) => session.status)).toEqual(Array(recordedSteps).fill('verified'));
    expect(second.stderr.toString()).toContain('hkubectl: blocked by guardrail (rule no-namespace-delete');
  });

  it('signs with a relay key of its own, so its recordings do not verify against the first run\'s keys', async () => {
    const result = await hkubectl(['verify', dir(), '--jwks', join(recordings(), 'jwks.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout.toString()).toContain(`${recordedSteps} sessions: ${recordedSteps} unknown-key`);
  });
});

describe('hkubectl demo refuses what it cannot do', () => {
  it('exits 64 for a --dir holding an earlier run\'s recordings, and leaves them alone', async () => {
    const before = await filesIn(recordings());
    const result = await demo(['--dir', 'recordings']);
    expect(result.code).toBe(64);
    expect(result.stderr.toString()).toBe(`hkubectl: recordings already holds ${2 * recordedSteps} recording files of an earlier run — pass another --dir, or move those files away, to run the demo again\n`);
    expect(result.stdout.toString()).toBe('');
    expect(await filesIn(recordings())).toEqual(before);
  });

  it('exits 64 for --interactive without a terminal, before starting anything', async () => {
    const dir = join(work, 'never');
    const result = await demo(['--interactive', '--dir', dir]);
    expect(result.code).toBe(64);
    expect(result.stderr.toString()).toMatch(/^hkubectl: --interactive needs a terminal to ask you about each approval request — .*\n$/);
    expect(result.stdout.toString()).toBe('');
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it('stops at the first step that does not go as told, with one hkubectl: line naming it, and cleans up', async () => {
    // A kubectl that fails stands in for any broken step: the real one cannot be made to fail on cue.
    const bin = join(work, 'broken-bin');
    await mkdir(bin);
    await writeFile(join(bin, 'kubectl'), '#!/bin/sh\necho "error: the server is on fire" >&2\nexit 1\n', { mode: 0o755 });
    const result = await hkubectl(['demo', '--dir', join(work, 'broken')], { cwd: work, env: { PATH: process.env.PATH, HOME: work, TMPDIR: tmp, HKUBECTL_KUBECTL: join(bin, 'kubectl') }, timeoutMs: 120_000 });
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toMatch(/^hkubectl: step 1 \(hkubectl get pods -n prod .*\) should have been allowed, but it exited 1: error: the server is on fire\n$/);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('exits 78 when kubectl cannot be found, before starting anything', async () => {
    const result = await hkubectl(['demo', '--dir', join(work, 'never')], { cwd: work, env: { PATH: '/nonexistent', HOME: work, TMPDIR: tmp } });
    expect(result.code).toBe(78);
    expect(result.stderr.toString()).toMatch(/^hkubectl: kubectl was not found on PATH/);
    expect(result.stdout.toString()).toBe('');
  });

  it('explains itself in --help', async () => {
    const result = await hkubectl(['demo', '--help']);
    expect(result.code).toBe(0);
    const help = result.stdout.toString();
    expect(help).toContain('Usage: hkubectl demo [options]');
    for (const option of ['--dir <dir>', '--interactive', '--keep-running', '-o, --output <format>']) expect(help).toContain(option);
    expect(help).toContain('Exit status:');
  });
});
