// Plays a recording on the terminal: output to stdout at its recorded pace, confined to the
// replay's own rows (confined-output.ts), markers (the decision, the approval, the exit) as dim
// lines on stderr so they never mix with the bytes the command produced. Clock and sleep come in
// as parameters so tests run without waiting.
import { setTimeout as delay } from 'node:timers/promises';
import chalk from 'chalk';
import { ConfinedOutput } from './confined-output.ts';
import type { Frame } from './timeline.ts';
import { showUntrusted } from '../contract/show-untrusted.ts';

export interface ReplayIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Show markers (default true). */
  markers?: boolean;
  /** Columns of the terminal stdout draws on (default 80). */
  columns?: number;
  /** Whether stderr draws on the same screen as stdout (both one terminal): markers then go below the output drawn so far. */
  sameScreen?: boolean;
}

export async function playFrames(frames: Iterable<Frame>, io: ReplayIo): Promise<void> {
  const now = io.now ?? (() => performance.now());
  const sleep = io.sleep ?? ((ms: number) => delay(ms));
  const columns = io.columns ?? 80;
  const screen = new ConfinedOutput(columns);
  const write = (text: string): void => {
    if (text !== '') io.stdout(text);
  };
  const started = now();
  for (const { at, event } of frames) {
    // Scheduled against the start, not the previous frame, so small delays do not add up.
    const wait = started + at * 1000 - now();
    if (wait > 0) await sleep(wait);
    const [, code, data] = event;
    if (code === 'o') write(screen.write(data));
    else if (code === 'm' && io.markers !== false) {
      // A marker is a label; control characters in it are shown, never obeyed.
      const line = `── ${showUntrusted(data)}`;
      if (io.sameScreen) write(screen.breakLine());
      io.stderr(`${chalk.dim(line)}\n`);
      if (io.sameScreen) screen.linesPrinted(Math.max(1, Math.ceil(line.length / columns)));
    }
  }
  write(screen.finish());
}
