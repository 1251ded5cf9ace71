// How the demo tells its story on a terminal: headings, the agent's command lines, their output
// indented under a bar, and one-line outcomes. Colour comes from the chalk instance passed in
// (level 0 when stdout is not a terminal), so the same text reads plainly in a log or a test.
import type { ChalkInstance } from 'chalk';

export type OutputStream = 'stdout' | 'stderr';

export interface Narrator {
  /** A numbered or named section. */
  heading(text: string): void;
  /** A line of explanation under a heading. */
  note(text: string): void;
  /** A command as the user would type it. */
  command(words: string): void;
  /** One line a child process printed. */
  output(line: string, stream: OutputStream): void;
  /** Several lines shown as a box of details (e.g. an approval request). */
  details(text: string): void;
  good(text: string): void;
  bad(text: string): void;
  waiting(text: string): void;
  blank(): void;
}

export function createNarrator(out: NodeJS.WritableStream, color: ChalkInstance): Narrator {
  const say = (text: string) => out.write(`${text}\n`);
  return {
    heading: (text) => say(`\n${color.bold(`▸ ${text}`)}`),
    note: (text) => say(`  ${color.dim(text)}`),
    command: (words) => say(`  ${color.cyan('$')} ${color.bold(words)}`),
    output: (line, stream) => say(`  ${color.dim('│')} ${stream === 'stderr' ? color.yellow(line) : line}`),
    details: (text) => {
      for (const line of text.split('\n')) say(`      ${line}`);
    },
    good: (text) => say(`  ${color.green(`✔ ${text}`)}`),
    bad: (text) => say(`  ${color.red(`✘ ${text}`)}`),
    waiting: (text) => say(`  ${color.yellow(`… ${text}`)}`),
    blank: () => say(''),
  };
}

/**
 * Feeds a byte stream to `onLine` one line at a time (without the newline), keeping a partial
 * line until the rest arrives, so two processes' output never interleaves mid-line.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let partial = '';
  return {
    push(chunk) {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    },
    end() {
      if (partial !== '') onLine(partial);
      partial = '';
    },
  };
}

/** A command line as a person would type it in a POSIX shell. */
export function shellLine(words: readonly string[]): string {
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`)).join(' ');
}
