// Sessions that need a human: exec and writes in production need the agent's reason and an
// approver's yes. An approval is bound to the exact command and used up by one run; the signed
// manifest carries who approved and why. Real kubectl, sandbox, dev IdP and relay (stack.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kubectl } from '../helpers/run.ts';
import { useStack } from './use-stack.ts';
import { eventsOf, LongRun, manifestPayload, namesIn, newSession, readCast } from './sessions.ts';

const e2e = useStack({ podIn: 'prod' });

let jwksUrl: string;

beforeAll(async () => {
  jwksUrl = `${e2e.stack.relay.url}/v1/jwks`;
});

const stderrLines = (stderr: Buffer | string): string[] => stderr.toString().split('\n').filter(Boolean);
const requestIdIn = (line: string): string => /request ([0-9a-f-]{36})/.exec(line)![1]!;

async function prodReplicas(): Promise<string> {
  const result = await kubectl(['get', 'deployment', 'web', '-n', 'prod', '-o', 'jsonpath={.spec.replicas}'], { env: e2e.stack.env });
  return result.stdout.toString();
}

describe('the agent\'s reason', () => {
  it('is required for exec and for writes in production: exit 77 with the policy\'s message, nothing run', async () => {
    const before = await namesIn(e2e.stack.recordings);
    for (const [args, rule] of [
      [['exec', e2e.pod, '-n', 'prod', '--', 'echo', 'hello'], 'access-in-production'],
      [['scale', 'deployment', 'web', '-n', 'prod', '--replicas=5'], 'writes-in-production'],
    ] as const) {
      const result = await e2e.stack.hk([...args]);
      expect(result.code).toBe(77);
      expect(result.stdout.toString()).toBe('');
      const lines = stderrLines(result.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^hkubectl: denied by policy \\(rule ${rule}, .*requires the agent's reason: re-run with --hk-reason`));
    }
    expect(await namesIn(e2e.stack.recordings)).toEqual(before);
    expect(await prodReplicas()).toBe('3');
  });
});

describe('an exec in production', () => {
  // The command counts its own runs in a file in the pod, so a run that should not have happened shows.
  const countRuns = ['exec', '', '-n', 'prod', '--hk-reason', 'count the runs for INC-7', '--hk-wait', '0', '--', 'sh', '-c', 'echo ran >> hk-e2e-runs && wc -l < hk-e2e-runs'];
  const args = (): string[] => countRuns.map((word, i) => (i === 1 ? e2e.pod : word));

  it('with --hk-wait 0 exits 75 naming the request; once approved it runs exactly once, with the approval in its signed manifest', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const asked = await e2e.stack.hk(args());
    expect(asked.code).toBe(75);
    expect(asked.stdout.toString()).toBe('');
    const [line, ...more] = stderrLines(asked.stderr);
    expect(more).toEqual([]);
    expect(line).toMatch(/^hkubectl: approval needed \(rule access-in-production, risk \d+\): .*request [0-9a-f-]{36} is waiting for approvers — nothing was run/);
    const requestId = requestIdIn(line!);
    expect(await namesIn(e2e.stack.recordings)).toEqual(before);

    const alice = e2e.stack.client('alice');
    const pending = await alice.list();
    expect(pending.requests.map((r) => r.id)).toContain(requestId);
    await alice.review(requestId, 'approve', 'INC-7: counting runs is harmless');

    const ran = await e2e.stack.hk(args());
    expect(ran.stderr.toString()).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout.toString().trim()).toBe('1');

    const { session, castPath, manifestPath } = await newSession(e2e.stack.recordings, before);
    const cast = await readCast(castPath);
    expect(eventsOf(cast, 'm')).toContain(`approval: request ${requestId}`);
    const manifest = await manifestPayload(manifestPath);
    expect(manifest).toMatchObject({
      session,
      identity: { subject: 'agent-7' },
      // What kubectl got: hkubectl's own --hk- flags are not kubectl's.
      command: { argv: ['exec', e2e.pod, '-n', 'prod', '--', 'sh', '-c', 'echo ran >> hk-e2e-runs && wc -l < hk-e2e-runs'], verb: 'exec', namespace: 'prod' },
      decision: { rule: 'access-in-production' },
      approval: { requestId, approver: { subject: 'alice' }, justification: 'INC-7: counting runs is harmless' },
      reason: 'count the runs for INC-7',
      exitCode: 0,
    });
    expect((await e2e.stack.hk(['verify', manifestPath, '--jwks', jwksUrl])).code).toBe(0);

    // The approval is used up: the same command asks again and does not run.
    const again = await e2e.stack.hk(args());
    expect(again.code).toBe(75);
    expect(again.stdout.toString()).toBe('');
    const againId = requestIdIn(stderrLines(again.stderr)[0]!);
    expect(againId).not.toBe(requestId);
    expect((await alice.list()).requests.map((r) => r.id)).toContain(againId);
    await alice.review(againId, 'approve', 'INC-7: once more');
    const second = await e2e.stack.hk(args());
    expect(second.code).toBe(0);
    expect(second.stdout.toString().trim()).toBe('2');
  });
});

describe('a write in production while the agent waits', () => {
  it('runs once the approver approves, while hkubectl is still waiting', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const scale = new LongRun(['scale', 'deployment', 'web', '-n', 'prod', '--replicas=4', '--hk-reason', 'INC-1234 load spike', '--hk-wait', '60s'], e2e.stack.env);
    const [waiting] = await scale.waitFor('stderr', /^hkubectl: approval needed \(rule writes-in-production, risk \d+\): request [0-9a-f-]{36} for approvers; waiting up to 60s\n/);
    const requestId = requestIdIn(waiting);
    expect(await prodReplicas()).toBe('3');
    expect(scale.stdout).toBe('');

    await e2e.stack.client('alice').review(requestId, 'approve', 'INC-1234: scale for the spike');
    const { code } = await scale.exited;
    expect(code).toBe(0);
    expect(scale.stdout).toBe('deployment.apps/web scaled\n');
    expect(scale.stderr).toBe(waiting);
    expect(await prodReplicas()).toBe('4');

    const { manifestPath } = await newSession(e2e.stack.recordings, before);
    expect(await manifestPayload(manifestPath)).toMatchObject({
      decision: { rule: 'writes-in-production' },
      approval: { requestId, approver: { subject: 'alice' }, justification: 'INC-1234: scale for the spike' },
      reason: 'INC-1234 load spike',
    });
  });

  it('does not run when the approver denies it: exit 77 naming the approver and the justification', async () => {
    const before = await namesIn(e2e.stack.recordings);
    const scale = new LongRun(['scale', 'deployment', 'web', '-n', 'prod', '--replicas=9', '--hk-reason', 'INC-1235', '--hk-wait', '60s'], e2e.stack.env);
    const [waiting] = await scale.waitFor('stderr', /^hkubectl: approval needed .*\n/);
    await e2e.stack.client('alice').review(requestIdIn(waiting), 'deny', 'INC-1235: nine is too many');
    const { code } = await scale.exited;
    expect(code).toBe(77);
    expect(scale.stdout).toBe('');
    expect(scale.stderr.slice(waiting.length)).toMatch(/^hkubectl: request [0-9a-f-]{36} was denied by alice: INC-1235: nine is too many — the command did not run\n$/);
    expect(await prodReplicas()).toBe('4');
    expect(await namesIn(e2e.stack.recordings)).toEqual(before);
  });
});

describe('how long the agent waits', () => {
  it('comes from config.yaml when the command line does not say', async () => {
    const configFile = join(e2e.stack.env.HKUBECTL_CONFIG_DIR!, 'config.yaml');
    await writeFile(configFile, 'wait: 0\n');
    try {
      // Without the setting, the policy's 10 minutes would apply: the run would be killed here.
      const result = await e2e.stack.hk(['scale', 'deployment', 'web', '-n', 'prod', '--replicas=6', '--hk-reason', 'INC-1236'], { timeoutMs: 15_000 });
      expect(result.signal).toBeNull();
      expect(result.code).toBe(75);
      expect(stderrLines(result.stderr)).toEqual([expect.stringMatching(/^hkubectl: approval needed \(rule writes-in-production, risk \d+\): .*request [0-9a-f-]{36} is waiting for approvers/)]);
    } finally {
      await rm(configFile);
    }
    expect(await prodReplicas()).toBe('4');
  });

  it('is refused as a usage error when --hk-wait is not a duration', async () => {
    const result = await e2e.stack.hk(['get', 'pods', '-n', 'prod', '--hk-wait', 'soon']);
    expect(result.code).toBe(64);
    expect(stderrLines(result.stderr)).toEqual(['hkubectl: --hk-wait (HKUBECTL_WAIT) must be a duration such as 0, 90s or 5m, not "soon"']);
  });
});
