// hkubectl (the built CLI) on a real pseudo-terminal, for the approver's inbox: what it wrote,
// raw and without escape sequences, and a way to wait for the screen to show something.
import { stripVTControlCharacters } from 'node:util';
import pty from 'node-pty';
import { HKUBECTL_BIN } from '../helpers/run.ts';

export function terminal(args: string[], env: NodeJS.ProcessEnv) {
  const term = pty.spawn(process.execPath, [HKUBECTL_BIN, ...args], { name: 'xterm-256color', cols: 220, rows: 50, env: env as Record<string, string> });
  let screen = '';
  const waiters: Array<() => void> = [];
  term.onData((data) => {
    screen += data;
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  return {
    term, exited,
    text: () => stripVTControlCharacters(screen),
    /** Everything written to the terminal, escape sequences included. */
    raw: () => screen,
    /** Waits until the screen output since `from` matches. */
    async waitFor(pattern: RegExp, from = 0): Promise<number> {
      for (;;) {
        const text = stripVTControlCharacters(screen.slice(from));
        if (pattern.test(text)) return screen.length;
        await Promise.race([new Promise<void>((wake) => waiters.push(wake)), exited.then(() => { throw new Error(`exited before ${pattern}: ${text}`); })]);
      }
    },
    mark: () => screen.length,
  };
}
