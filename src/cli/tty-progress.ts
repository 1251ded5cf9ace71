// Progress of a long own command (an export, a fetch from the relay): one line redrawn in place
// on a terminal, and nothing at all on a pipe or file, where a log of half-way counts is noise
// for whoever reads it afterwards.
export interface TtyProgress {
  (line: string): void;
  /** Clears the progress line, so what is printed next starts on a clean one. */
  end(): void;
}

export function ttyProgress(stream: NodeJS.WriteStream): TtyProgress {
  let shown = false;
  const progress = ((line: string) => {
    if (!stream.isTTY) return;
    // Cut to the width: a wrapped line cannot be redrawn in place.
    const width = stream.columns > 1 ? stream.columns - 1 : 79;
    stream.write(`\r\x1b[K${line.length > width ? line.slice(0, width) : line}`);
    shown = true;
  }) as TtyProgress;
  progress.end = () => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  return progress;
}
