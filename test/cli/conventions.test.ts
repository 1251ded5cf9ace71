// The command-line conventions kubectl, kubelogin and asciinema users rely on, checked on the
// built binary: help and version, typos answered locally, colour switches, closed pipes, JSON.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HKUBECTL_BIN, hkubectl, kubectl, runInPty } from '../helpers/run.ts';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-conventions-'));
  env = { PATH: process.env.PATH, HOME: dir, HKUBECTL_CONFIG_DIR: join(dir, 'config'), HKUBECTL_DATA_DIR: join(dir, 'data') };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('help and version', () => {
  it('prints kubectl\'s own help, then one line pointing at --hk-help, for hkubectl, --help and help', async () => {
    const theirs = await kubectl(['--help'], { env });
    for (const args of [[], ['--help'], ['-h'], ['help']]) {
      const ours = await hkubectl(args, { env });
      expect(ours.code).toBe(0);
      const text = ours.stdout.toString();
      expect(text.startsWith('kubectl controls the Kubernetes cluster manager.')).toBe(true);
      expect(text).toContain(theirs.stdout.toString().split('\n').find((line) => line.includes('Basic Commands'))!);
      expect(text.trimEnd().split('\n').at(-1)).toBe('Use "hkubectl --hk-help" for hkubectl\'s own commands and flags.');
    }
  });

  it('leaves a subcommand\'s help to kubectl alone, with no pointer line', async () => {
    const [ours, theirs] = await Promise.all([hkubectl(['get', '--help'], { env }), kubectl(['get', '--help'], { env })]);
    expect(ours.stdout.toString()).toBe(theirs.stdout.toString());
  });

  it('names its version, the commit it was built from and the kubectl it found', async () => {
    const result = await hkubectl(['--hk-version'], { env });
    expect(result.code).toBe(0);
    const [first, second] = result.stdout.toString().trimEnd().split('\n');
    expect(first).toMatch(/^hkubectl \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(-dirty)?\)$/);
    expect(second).toMatch(/^kubectl v1\.\d+\.\d+\S* at \/\S*kubectl$/);
    const json = JSON.parse((await hkubectl(['--hk-version', '--hk-output', 'json'], { env })).stdout.toString());
    expect(json.hkubectl.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(json.kubectl.version).toMatch(/^v1\./);
  });

  it('shows every own command\'s first sentence whole in --hk-help, "e.g." included', async () => {
    const text = (await hkubectl(['--hk-help'], { env })).stdout.toString();
    const mask = text.slice(text.indexOf('\n  mask '), text.indexOf('\n  play '));
    expect(mask).not.toMatch(/\(e\.g\.\s*$/);
    expect(mask.replace(/\s+/g, ' ')).toContain('a filter for any pipeline (e.g. `kubectl get secret');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(110);
  });
});

describe('words kubectl does not know', () => {
  it('answers a mistyped own command at once with exit 64 and a suggestion, asking no relay', async () => {
    // A relay URL that nothing listens on: any attempt to ask it would fail differently (exit 75).
    const result = await hkubectl(['apporvals'], { env: { ...env, HKUBECTL_RELAY: 'http://127.0.0.1:9' } });
    expect(result.code).toBe(64);
    expect(result.stderr.toString()).toBe(
      'hkubectl: unknown command "apporvals" for "kubectl"; did you mean "approvals" (an hkubectl command)? — ' +
        'nothing was run; `kubectl --help` lists kubectl\'s commands, `hkubectl --hk-help` hkubectl\'s own\n',
    );
  });

  it('suggests kubectl\'s own commands for their typos, after flags too', async () => {
    for (const [args, suggestion] of [[['gett', 'pods'], '"get"'], [['-n', 'prod', 'descrbe', 'pod', 'x'], '"describe"'], [['aply', '-f', 'x.yaml'], '"apply"'], [['sesion'], '']] as const) {
      const result = await hkubectl([...args], { env });
      expect(result.code).toBe(64);
      const line = result.stderr.toString();
      expect(line).toMatch(/^hkubectl: unknown command "/);
      if (suggestion) expect(line).toContain(`did you mean ${suggestion}`);
    }
  });

  it('answers a mistyped --hk- flag with the flag it resembles', async () => {
    const result = await hkubectl(['--hk-reson', 'x', 'get', 'pods'], { env });
    expect(result.code).toBe(64);
    expect(result.stderr.toString()).toMatch(/^hkubectl: unknown flag --hk-reson; did you mean --hk-reason\? — /);
  });

  it('leaves a word that names a kubectl plugin on PATH to kubectl', async () => {
    const bin = join(dir, 'plugins');
    await import('node:fs/promises').then(({ mkdir }) => mkdir(bin, { recursive: true }));
    await writeFile(join(bin, 'kubectl-hello_world'), '#!/bin/sh\necho "plugin says $*"\n');
    await chmod(join(bin, 'kubectl-hello_world'), 0o755);
    const result = await hkubectl(['hello-world', 'x'], { env: { ...env, PATH: `${bin}:${env.PATH}` } });
    expect(result.stderr.toString()).not.toContain('unknown command');
    expect(result.code).not.toBe(64);
  });
});

describe('colour', () => {
  // On a real terminal, where chalk would colour the `verified:` line of a replay.
  const example = join(import.meta.dirname, '../../recordings/example');
  const replay = ['replay', '2642fa0a-6981-4e4d-a963-4fbe0a75d841', '--dir', example, '--jwks', join(example, 'jwks.json'), '--speed', '100'];
  const verifiedLine = (output: string) => output.split('\n').find((line) => line.includes('verified: session')) ?? '';
  const terminalEnv: NodeJS.ProcessEnv = { ...env, TERM: 'xterm-256color' };

  it('is on for a terminal when nothing turns it off (so the checks below can fail)', async () => {
    const result = await runInPty(process.execPath, [HKUBECTL_BIN, ...replay], { env: terminalEnv });
    expect(result.code).toBe(0);
    expect(verifiedLine(result.output)).toContain('\x1b[');
  });

  it('is off with NO_COLOR, and with --no-color, on the same terminal', async () => {
    const withEnv = await runInPty(process.execPath, [HKUBECTL_BIN, ...replay], { env: { ...terminalEnv, NO_COLOR: '1' } });
    const withFlag = await runInPty(process.execPath, [HKUBECTL_BIN, ...replay, '--no-color'], { env: terminalEnv });
    for (const result of [withEnv, withFlag]) {
      expect(result.code).toBe(0);
      expect(verifiedLine(result.output)).toMatch(/^verified: session/);
    }
  });
});

describe('output to a closed pipe', () => {
  it('ends quietly with status 141, as Unix tools do, not with a stack trace', async () => {
    const child = spawn(process.execPath, [HKUBECTL_BIN, 'mask'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => {});
    // The reader takes one chunk, then goes away, as `| head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 8192; i++) child.stdin.write(line);
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });
});

describe('JSON output', () => {
  it('policy lint answers in JSON for a valid and an invalid file, with the same exit codes', async () => {
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    await writeFile(good, (await hkubectl(['policy', 'default'], { env })).stdout);
    await writeFile(bad, 'version: 1\nrules:\n  - id: x\n    action: maybe\n');
    const ok = await hkubectl(['policy', 'lint', good, '-o', 'json'], { env });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout.toString())).toMatchObject({ file: good, valid: true, version: 1 });
    const refused = await hkubectl(['policy', 'lint', bad, '--hk-output', 'json'], { env });
    expect(refused.code).toBe(78);
    const body = JSON.parse(refused.stdout.toString());
    expect(body).toMatchObject({ file: bad, valid: false });
    expect(body.problems[0]).toMatchObject({ line: expect.any(Number), message: expect.any(String) });
    expect(JSON.parse(refused.stderr.toString()).error.code).toBe('ERR_POLICY_INVALID');
  });
});

describe('own command mistakes', () => {
  it('point at the --help of the subcommand that refused, not its parent\'s', async () => {
    const missing = await hkubectl(['approvals', 'status'], { env });
    expect(missing.code).toBe(64);
    expect(missing.stderr.toString()).toBe("hkubectl: missing required argument 'request-id' — run `hkubectl approvals status --help`\n");
    const unknown = await hkubectl(['audit', 'log', '--bogus'], { env });
    expect(unknown.stderr.toString()).toBe("hkubectl: unknown option '--bogus' — run `hkubectl audit log --help`\n");
  });

  it('show a command group\'s help when its subcommand is left out, as kubectl does, exit 0', async () => {
    const result = await hkubectl(['audit'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(/^Usage: hkubectl audit/);
    expect(result.stderr.toString()).toBe('');
  });
});
