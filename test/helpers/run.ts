// Runs real processes (hkubectl from the built bundle, or kubectl) and collects exact bytes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HKUBECTL_BIN = fileURLToPath(new URL('../../bin/hkubectl.cjs', import.meta.url));
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

/** hkubectl through its real executable (node + bin/hkubectl.cjs → dist/main.cjs). */
export function hkubectl(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [HKUBECTL_BIN, ...args], options);
}

export function kubectl(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(KUBECTL, args, options);
}

/** Runs a program on a real pseudo-terminal (for programs that insist on /dev/tty). */
export async function runInPty(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cols?: number; rows?: number; timeoutMs?: number } = {}): Promise<{ code: number; output: string }> {
  const pty = await import('node-pty');
  return new Promise((resolve) => {
    const term = pty.spawn(command, args, { cols: options.cols ?? 80, rows: options.rows ?? 24, env: (options.env ?? process.env) as Record<string, string> });
    let output = '';
    term.onData((data) => {
      output += data;
    });
    const timer = setTimeout(() => term.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    term.onExit(({ exitCode }) => {
      clearTimeout(timer);
      resolve({ code: exitCode, output });
    });
  });
}
