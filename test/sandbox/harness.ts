// One sandbox per test file, driven by the real kubectl with a private KUBECONFIG and discovery
// cache, so test files never see each other's clusters.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL, run } from '../helpers/run.ts';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.ts';
import { startSandbox } from '../../src/sandbox/index.ts';

export type Kubectl = { code: number | null; stdout: string; stderr: string };

export type Harness = {
  sandbox: Sandbox;
  dir: string;
  env: NodeJS.ProcessEnv;
  kubectl(args: string[], stdin?: string): Promise<Kubectl>;
  stop(): Promise<void>;
};

export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'hk-sandbox-test-'));
  const sandbox = await startSandbox({ kubeconfigPath: join(dir, 'kubeconfig'), ...options });
  const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: sandbox.kubeconfigPath, KUBECACHEDIR: join(dir, 'cache') };
  return {
    sandbox, dir, env,
    async kubectl(args, stdin) {
      const r = await run(KUBECTL, args, { env, stdin, timeoutMs: 30_000 });
      return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
    },
    async stop() {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Host pids whose command line is exactly `argv` (a jailed $$ is not a host pid; bwrap's own argv ends with the same words). */
export function hostPids(...argv: string[]): number[] {
  const wanted = `${argv.join('\0')}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1') === wanted) pids.push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  return pids;
}
