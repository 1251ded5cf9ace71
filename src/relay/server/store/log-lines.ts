// Reads a JSON-lines file as a stream of lines with their byte offsets, so a torn tail can be
// cut off at an exact byte and a large log never has to fit in memory.
import { streamRegular } from '../../../files/regular-file.ts';

export type LogLine = {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte length including the newline, when there is one. */
  length: number;
  /** False for a last line with no newline: written in part when the process died. */
  terminated: boolean;
};

/** The log must be a regular file: a symbolic link or a FIFO in its place is refused (NotRegularFileError), not read. */
export async function* readLogLines(file: string): AsyncGenerator<LogLine> {
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of (await streamRegular(file, { highWaterMark: 1 << 20 })) as AsyncIterable<Buffer>) {
    let buffer = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let start = 0;
    for (let newline = buffer.indexOf(10); newline !== -1; newline = buffer.indexOf(10, start)) {
      yield { text: buffer.toString('utf8', start, newline), offset: offset + start, length: newline + 1 - start, terminated: true };
      start = newline + 1;
    }
    offset += start;
    buffer = buffer.subarray(start);
    pending = Buffer.from(buffer);
  }
  if (pending.length > 0) yield { text: pending.toString('utf8'), offset, length: pending.length, terminated: false };
}
