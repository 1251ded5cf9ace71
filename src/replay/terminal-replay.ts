// Plays a recording on the terminal: output to stdout at its recorded pace, markers (the
// decision, the approval, the exit) as dim lines on stderr so they never mix with the bytes the
// command produced. Clock and sleep come in as parameters so tests run without waiting.
import { setTimeout as delay } from 'node:timers/promises';
import chalk from 'chalk';
import type { Frame } from './timeline.ts';

export interface ReplayIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Show markers (default true). */
  markers?: boolean;
}

export async function playFrames(frames: Iterable<Frame>, io: ReplayIo): Promise<void> {
  const now = io.now ?? (() => performance.now());
  const sleep = io.sleep ?? ((ms: number) => delay(ms));
  const started = now();
  for (const { at, event } of frames) {
    // Scheduled against the start, not the previous frame, so small delays do not add up.
    const wait = started + at * 1000 - now();
    if (wait > 0) await sleep(wait);
    const [, code, data] = event;
    if (code === 'o') io.stdout(data);
    else if (code === 'm' && io.markers !== false) io.stderr(`${chalk.dim(`── ${oneLine(data)}`)}\n`);
  }
}

// A marker is a label; control characters in it must not drive the auditor's terminal.
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
