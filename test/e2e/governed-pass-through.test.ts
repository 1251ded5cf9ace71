// Faithfulness under governance: with the relay allowing, hkubectl is still kubectl — exact bytes,
// stdin streamed through, exit codes and signals as a shell reports them. Real kubectl against the
// sandbox, the dev IdP and the relay (test/e2e/stack.ts).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HKUBECTL_BIN, kubectl, run } from '../helpers/run.ts';
import { useStack } from './use-stack.ts';

const e2e = useStack({ podIn: 'staging' });

describe('a governed command is still kubectl', () => {
  it('prints the same bytes and exit code as kubectl for an allowed read', async () => {
    // Columns without AGE: the two runs happen at different moments.
    for (const args of [
      ['get', 'deployments', '-n', 'prod', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[0].image'],
      ['get', 'pods', '-A', '-o', 'name'],
      ['get', 'pods', 'no-such-pod', '-n', 'staging'],
    ]) {
      const [ours, theirs] = await Promise.all([e2e.stack.hk(args), kubectl(args, { env: e2e.stack.env })]);
      expect(ours.code).toBe(theirs.code);
      expect(ours.stdout.toString()).toBe(theirs.stdout.toString());
      expect(ours.stderr.toString()).toBe(theirs.stderr.toString());
    }
  });

  it('streams megabytes of stdin to kubectl byte for byte', async () => {
    const payload = randomBytes(4 * 1024 * 1024);
    const result = await e2e.stack.hk(['exec', '-i', e2e.pod, '-n', 'staging', '--', 'sha256sum'], { stdin: payload, timeoutMs: 60_000 });
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.toString().split(' ')[0]).toBe(createHash('sha256').update(payload).digest('hex'));
  });

  it('leaves --hk- words after a `--` to kubectl', async () => {
    const result = await e2e.stack.hk(['exec', e2e.pod, '-n', 'staging', '--', 'echo', '--hk-reason', 'x']);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('--hk-reason x\n');
  });

  it('returns the container command\'s exit code', async () => {
    const result = await e2e.stack.hk(['exec', e2e.pod, '-n', 'staging', '--', 'sh', '-c', 'exit 3']);
    expect(result.code).toBe(3);
  });

  it('returns kubectl\'s own error for a flag kubectl rejects, after the relay allowed it', async () => {
    const args = ['get', 'pods', '-n', 'staging', '--no-such-flag'];
    const [ours, theirs] = await Promise.all([e2e.stack.hk(args), kubectl(args, { env: e2e.stack.env })]);
    expect(ours.code).toBe(theirs.code);
    expect(ours.stderr.toString()).toBe(theirs.stderr.toString());
  });
});

describe('a governed command and its login', () => {
  it('renews a login about to expire before asking the relay, then runs the command', async () => {
    // The OAuth and lock libraries live in a chunk of the built bundle loaded only for this.
    const tokenDir = join(e2e.stack.env.HKUBECTL_CONFIG_DIR!, 'tokens');
    const [file] = (await readdir(tokenDir)).filter((name) => name !== 'current.json' && name.endsWith('.json'));
    const path = join(tokenDir, file!);
    const cached = JSON.parse(await readFile(path, 'utf8')) as { issuedAt: number; expiresAt: number; savedAt: number };
    // Issued ten minutes ago and expiring in five seconds: due for refresh whatever the margin rule.
    const now = Math.floor(Date.now() / 1000);
    await writeFile(path, JSON.stringify({ ...cached, issuedAt: now - 600, expiresAt: now + 5 }), { mode: 0o600 });

    const result = await e2e.stack.hk(['get', 'pods', '-n', 'staging', '-o', 'name']);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    const renewed = JSON.parse(await readFile(path, 'utf8')) as typeof cached;
    expect(renewed.expiresAt).toBeGreaterThan(Date.now() / 1000 + 60);
    expect(renewed.savedAt).toBeGreaterThan(cached.savedAt);
  });
});

describe('a governed command and signals', () => {
  // `get -w` is an allowed read that runs until it is stopped.
  function startWatch(): { child: ReturnType<typeof spawn>; ready: Promise<void> } {
    const child = spawn(process.execPath, [HKUBECTL_BIN, 'get', 'deployments', '-n', 'staging', '-w'], { env: e2e.stack.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('web')) resolve();
      });
    });
    return { child, ready };
  }

  async function kubectlChildOf(pid: number): Promise<number> {
    const result = await run('pgrep', ['-P', String(pid), '-x', 'kubectl']);
    return Number(result.stdout.toString().trim());
  }

  const exited = (child: ReturnType<typeof spawn>): Promise<[number | null, NodeJS.Signals | null]> =>
    new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));

  it('exits 128+n when kubectl is killed by signal n, like a shell', async () => {
    const { child, ready } = startWatch();
    const ended = exited(child);
    await ready;
    process.kill(await kubectlChildOf(child.pid!), 'SIGKILL');
    expect(await ended).toEqual([137, null]);
  });

  it('forwards SIGTERM to kubectl and leaves no kubectl behind', async () => {
    const { child, ready } = startWatch();
    const ended = exited(child);
    await ready;
    const kubectlPid = await kubectlChildOf(child.pid!);
    child.kill('SIGTERM');
    const [code, signal] = await ended;
    // kubectl's watch traps SIGTERM and exits 1 once its watch loop runs; a moment earlier it dies
    // of the signal (143). Either way hkubectl itself is not killed: it reports kubectl's end.
    expect(signal).toBeNull();
    expect([1, 143]).toContain(code);
    expect(() => process.kill(kubectlPid, 0)).toThrow();
  });
});
