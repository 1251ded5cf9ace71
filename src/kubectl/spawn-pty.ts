// kubectl inside a pseudo-terminal (node-pty), for the interactive verbs: `exec -it` needs a
// terminal even when the agent's own stdin is a pipe, and a terminal session is what a faithful
// recording shows. Output arrives as raw bytes (encoding null) so masking sees what kubectl wrote.
import { ConfigError } from '../errors.ts';
import { endOf, type KubectlEnd } from './exit-status.ts';
import { forwardSignals } from './forward-signals.ts';
import { constants } from 'node:os';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export const DEFAULT_TERMINAL_SIZE: TerminalSize = { columns: 80, rows: 24 };

export interface PtyKubectl {
  onOutput(listener: (bytes: Buffer) => void): void;
  write(data: Buffer | string): void;
  resize(size: TerminalSize): void;
  pause(): void;
  resume(): void;
  kill(signal: NodeJS.Signals): void;
  ended: Promise<KubectlEnd>;
}

function signalName(number: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, value]) => value === number);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

export async function spawnKubectlPty(kubectlPath: string, args: string[], env: NodeJS.ProcessEnv, size: TerminalSize): Promise<PtyKubectl> {
  const pty = await import('node-pty');
  let term: import('node-pty').IPty;
  try {
    term = pty.spawn(kubectlPath, args, {
      name: env.TERM ?? 'xterm-256color',
      cols: size.columns,
      rows: size.rows,
      env: env as Record<string, string>,
      encoding: null,
    } as import('node-pty').IPtyForkOptions);
  } catch (error) {
    throw new ConfigError('ERR_KUBECTL_SPAWN', `could not start ${kubectlPath} in a terminal: ${(error as Error).message}`, {
      hint: 'check that kubectl is installed and executable, or set HKUBECTL_KUBECTL',
      cause: error,
    });
  }
  const stopForwarding = forwardSignals((signal) => term.kill(signal));
  const ended = new Promise<KubectlEnd>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      stopForwarding();
      resolve(signal ? endOf(null, signalName(signal)) : endOf(exitCode, null));
    });
  });
  return {
    onOutput: (listener) => {
      term.onData((data) => listener(data as unknown as Buffer));
    },
    write: (data) => term.write(data),
    resize: ({ columns, rows }) => term.resize(columns, rows),
    pause: () => term.pause(),
    resume: () => term.resume(),
    kill: (signal) => term.kill(signal),
    ended,
  };
}
