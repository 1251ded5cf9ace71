// Runs the real hkubectl as a child process, as an agent shells out to it: the same executable
// the user started (node + process.argv[1]), so the demo works from a clone, from an installed
// package and through a `kubectl` symlink alike. Output is handed over line by line as it comes.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ConfigError } from '../errors.ts';
import { whenAborted } from './abort.ts';
import { lineSplitter, type OutputStream } from './narrator.ts';

export interface HkubectlProcessOptions {
  args: string[];
  env: NodeJS.ProcessEnv;
  onLine(line: string, stream: OutputStream): void;
  signal: AbortSignal;
}

export interface HkubectlExit {
  code: number;
  stdout: string;
  stderr: string;
}

export function ownExecutable(argv: readonly string[] = process.argv): { command: string; prefix: string[] } {
  const script = argv[1];
  if (!script) throw new ConfigError('ERR_DEMO_NO_EXECUTABLE', 'cannot tell which hkubectl is running (process.argv[1] is empty)');
  return { command: process.execPath, prefix: [script] };
}

/** Resolves when the process has exited and its output is drained; a signal death becomes 128+n. */
export function runHkubectl(options: HkubectlProcessOptions): Promise<HkubectlExit> {
  const self = ownExecutable();
  return new Promise((resolve, reject) => {
    const child = spawn(self.command, [...self.prefix, ...options.args], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const seen = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      const splitter = lineSplitter((line) => options.onLine(line, stream));
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        seen[stream] += chunk;
        splitter.push(chunk);
      });
      child[stream].on('end', () => splitter.end());
    }
    const release = whenAborted(options.signal, () => child.kill('SIGTERM'));
    child.once('error', (error) => {
      release();
      reject(new ConfigError('ERR_DEMO_SPAWN', `cannot run hkubectl (${self.command} ${self.prefix.join(' ')}): ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      release();
      resolve({ code: code ?? 128 + (signal ? constants.signals[signal] : 0), ...seen });
    });
  });
}
