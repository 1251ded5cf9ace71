// A program on a real pseudo-terminal that a test answers as a person would: wait until the
// screen shows a prompt, then type. (test/helpers/run.ts's runInPty only watches.)
import type { IPty } from 'node-pty';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

export interface PtySession {
  /** Resolves once `pattern` shows after everything already waited for. */
  waitFor(pattern: RegExp): Promise<void>;
  type(text: string): void;
  /** All output so far, without terminal escape sequences. */
  text(): string;
  exited: Promise<number>;
}

export async function startInPty(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }): Promise<PtySession> {
  const pty = await import('node-pty');
  const term: IPty = pty.spawn(command, args, { cols: 160, rows: 50, cwd: options.cwd, env: options.env as Record<string, string> });
  let output = '';
  let seen = 0;
  let wake: (() => void) | null = null;
  term.onData((data) => {
    output += data;
    wake?.();
  });
  const timer = setTimeout(() => term.kill('SIGKILL'), options.timeoutMs);
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode, signal }) => {
    clearTimeout(timer);
    resolve(signal ? 128 + signal : exitCode);
    wake?.();
  }));
  let done = false;
  void exited.then(() => { done = true; });
  const plain = () => output.replace(ANSI, '');
  return {
    async waitFor(pattern) {
      for (;;) {
        const match = pattern.exec(plain().slice(seen));
        if (match) {
          seen += match.index + match[0].length;
          return;
        }
        if (done) throw new Error(`the program ended before showing ${pattern}; it showed:\n${plain()}`);
        await new Promise<void>((resolve) => { wake = resolve; });
      }
    },
    type: (text) => term.write(text),
    text: plain,
    exited,
  };
}
