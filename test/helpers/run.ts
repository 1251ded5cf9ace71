// Runs real processes (hkubectl from the built bundle, or kubectl) and collects exact bytes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HKUBECTL_BIN = fileURLToPath(new URL('../../bin/hkubectl.mjs', import.meta.url));
export const KUBECTL = process.env.HKUBECTL_TEST_KUBECTL ?? '/usr/bin/kubectl';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  stdin?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}

/** hkubectl through its real executable (node + bin/hkubectl.mjs → dist/main.js). */
export function hkubectl(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [HKUBECTL_BIN, ...args], options);
}

export function kubectl(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(KUBECTL, args, options);
}
