// `hkubectl policy …` as users run it: the built CLI in a real process (run `npm run build` first).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, '../../dist/main.js');

function hkubectl(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build before these tests`);
  dir = await mkdtemp(join(tmpdir(), 'hk-policy-cli-'));
  await writeFile(join(dir, 'good.yaml'), 'version: 1\napprovers: { groups: [leads] }\nrules:\n  - id: pods-only\n    action: allow\n    match: { resources: [po] }\n');
  await writeFile(join(dir, 'bad.yaml'), 'version: 1\napprovers: { groups: [leads] }\nrules:\n  - id: x\n    action: alow\n    match: { verbs: [delet] }\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hkubectl policy check', () => {
  it('prints the default policy decision as JSON and exits 0 even for a deny', async () => {
    const { code, stdout } = await hkubectl(['policy', 'check', '--', 'delete', 'ns', 'payments'], dir);
    expect(code).toBe(0);
    const decision = JSON.parse(stdout);
    expect(Object.keys(decision).slice(0, 4)).toEqual(['decision', 'risk', 'rule', 'message']);
    expect(decision).toMatchObject({ decision: 'deny', rule: 'no-namespace-delete', actor: 'agent' });
    expect(decision.risk.factors.map((factor: { factor: string }) => factor.factor)).toEqual(['verb', 'resource', 'namespace', 'breadth', 'force', 'identity', 'overrides', 'plugin', 'pod-escape']);
    expect(decision.risk.score).toBe(decision.risk.factors.reduce((sum: number, factor: { points: number }) => sum + factor.points, 0));
  });

  it('evaluates as an approver when given one of the approver groups', async () => {
    const args = ['--', 'get', 'secrets', '-n', 'prod', '-l', 'app=web'];
    const asAgent = JSON.parse((await hkubectl(['policy', 'check', ...args], dir)).stdout);
    const asHuman = JSON.parse((await hkubectl(['policy', 'check', '--identity', 'alice', '--group', 'staff', '--group', 'approvers', ...args], dir)).stdout);
    expect(asAgent).toMatchObject({ decision: 'approve', actor: 'agent' });
    expect(asHuman).toMatchObject({ decision: 'allow', actor: 'human', rule: 'secrets-read-masked' });
    expect(asHuman.risk.factors.find((factor: { factor: string }) => factor.factor === 'identity').reason).toBe('alice is a human approver');
  });

  it('uses the policy file given with --policy', async () => {
    const allowed = JSON.parse((await hkubectl(['policy', 'check', '--policy', 'good.yaml', '--', 'get', 'pods'], dir)).stdout);
    const fallback = JSON.parse((await hkubectl(['policy', 'check', '--policy', 'good.yaml', '--', 'get', 'svc'], dir)).stdout);
    expect(allowed).toMatchObject({ decision: 'allow', rule: 'pods-only' });
    expect(fallback).toMatchObject({ decision: 'approve', rule: 'default', approverGroups: ['leads'] });
  });

  it('exits 78 with the line and field when the policy file is bad', async () => {
    const { code, stdout, stderr } = await hkubectl(['policy', 'check', '--policy', 'bad.yaml', '--', 'get', 'pods'], dir);
    expect(code).toBe(78);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^hkubectl: bad\.yaml:5: rules\[0\]\.action: must be one of allow, deny, approve \(and 1 more problem\)/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 64 when no kubectl command is given', async () => {
    const { code, stderr } = await hkubectl(['policy', 'check'], dir);
    expect(code).toBe(64);
    expect(stderr).toMatch(/^hkubectl: .*kubectl-args/);
  });
});

describe('hkubectl policy lint', () => {
  it('says a good policy is valid and exits 0', async () => {
    const { code, stdout } = await hkubectl(['policy', 'lint', 'good.yaml'], dir);
    expect(code).toBe(0);
    expect(stdout).toBe('good.yaml: valid (policy version 1, 1 rules)\n');
  });

  it('lists every problem with its line and field and exits 78', async () => {
    const { code, stderr } = await hkubectl(['policy', 'lint', 'bad.yaml'], dir);
    expect(code).toBe(78);
    expect(stderr.trim().split('\n')).toEqual([
      'bad.yaml:5: rules[0].action: must be one of allow, deny, approve',
      'bad.yaml:6: rules[0].match.verbs[0]: unknown kubectl command "delet"',
      'hkubectl: bad.yaml: 2 problems, the policy cannot be used',
    ]);
  });

  it('exits 78 when the file cannot be read', async () => {
    const { code, stderr } = await hkubectl(['policy', 'lint', 'missing.yaml'], dir);
    expect(code).toBe(78);
    expect(stderr).toBe('hkubectl: cannot read policy file missing.yaml: no such file\n');
  });
});

describe('hkubectl policy default', () => {
  it('prints the shipped policy, which lints clean', async () => {
    const { code, stdout } = await hkubectl(['policy', 'default'], dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# hkubectl default policy/);
    await writeFile(join(dir, 'shipped.yaml'), stdout);
    expect(await hkubectl(['policy', 'lint', 'shipped.yaml'], dir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^shipped\.yaml: valid/) });
  });
});

describe('hkubectl policy intent', () => {
  it('prints the command model that rules match against', async () => {
    const { code, stdout } = await hkubectl(['policy', 'intent', '--', 'delete', 'deploy', 'web', '-n', 'payments-prod', '--force'], dir);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ verb: 'delete', resources: ['deployments.apps'], names: ['web'], namespace: 'payments-prod', force: true });
  });
});
