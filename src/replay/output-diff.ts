// The recorded output against the re-executed one, as a unified diff. Terminal line endings
// (\r\n from a pty) are normalised so that only content differences show.
import chalk from 'chalk';
import { createTwoFilesPatch } from 'diff';

export function outputDiff(recorded: string, fresh: string, labels: { recorded: string; fresh: string }): string | null {
  const a = normalise(recorded);
  const b = normalise(fresh);
  if (a === b) return null;
  return createTwoFilesPatch(labels.recorded, labels.fresh, a, b, undefined, undefined, { context: 3 });
}

export function colourDiff(patch: string): string {
  return patch
    .split('\n')
    .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? chalk.green(line) : line.startsWith('-') && !line.startsWith('---') ? chalk.red(line) : line.startsWith('@@') ? chalk.cyan(line) : line))
    .join('\n');
}

function normalise(text: string): string {
  return text.replace(/\r\n/g, '\n');
}
