// Writes a .cast incrementally: every event is one complete line handed to the kernel at once,
// so a session killed at any moment (even SIGKILL) leaves a valid, merely shorter, recording.
// The sha256, size and event count are kept as lines are written, for the manifest. Output from
// pipes is written as a terminal would have shown it (LF as CR LF) when the header says
// `stdout: 'pipe'`, so the recording plays right in any asciicast player.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { HkError, ExitCode } from '../errors.ts';
import { onlcr } from './cast-display.ts';
import { eventLine, headerLine, type AsciicastHeader, type EventCode } from './asciicast.ts';

export interface CastSummary {
  path: string;
  sha256: string;
  size: number;
  events: number;
}

export class RecordingError extends HkError {
  constructor(message: string, cause: unknown) {
    super('ERR_RECORDING', message, ExitCode.software, {
      hint: 'the command was stopped so that nothing runs unrecorded; fix the recordings directory and retry',
      cause,
    });
  }
}

export class CastWriter {
  readonly path: string;
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private readonly decoders = new Map<EventCode, StringDecoder>();
  private readonly startedAt: number;
  private readonly translateLineFeeds: boolean;
  private size = 0;
  private events = 0;
  private closed = false;

  constructor(
    path: string,
    header: AsciicastHeader,
    private readonly now: () => number = () => performance.now(),
    openFile: (path: string) => number = (p) => openSync(p, 'wx', 0o600),
  ) {
    this.path = path;
    try {
      this.fd = openFile(path);
    } catch (error) {
      throw new RecordingError(`cannot create recording ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, error);
    }
    this.startedAt = now();
    this.translateLineFeeds = header.hk?.stdout === 'pipe';
    this.append(headerLine(header));
  }

  /** Bytes as the terminal got them; multi-byte characters split across chunks are kept whole. */
  write(code: EventCode, bytes: Uint8Array | string): void {
    let text: string;
    if (typeof bytes === 'string') {
      text = bytes;
    } else {
      let decoder = this.decoders.get(code);
      if (!decoder) {
        decoder = new StringDecoder('utf8');
        this.decoders.set(code, decoder);
      }
      text = decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    if (text !== '') this.event(code, this.translateLineFeeds && code === 'o' ? onlcr(text) : text);
  }

  resize(columns: number, rows: number): void {
    this.event('r', `${columns}x${rows}`);
  }

  marker(label: string): void {
    this.event('m', label);
  }

  close(): CastSummary {
    if (!this.closed) {
      for (const [code, decoder] of this.decoders) {
        const rest = decoder.end();
        if (rest !== '') this.event(code, this.translateLineFeeds && code === 'o' ? onlcr(rest) : rest);
      }
      this.closed = true;
      try {
        fsyncSync(this.fd);
        closeSync(this.fd);
      } catch (error) {
        throw new RecordingError(`cannot finish recording ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, error);
      }
    }
    return { path: this.path, sha256: this.hash.copy().digest('hex'), size: this.size, events: this.events };
  }

  private event(code: EventCode, data: string): void {
    this.events += 1;
    this.append(eventLine((this.now() - this.startedAt) / 1000, code, data));
  }

  private append(line: string): void {
    if (this.closed) throw new RecordingError(`recording ${this.path} is already closed`, undefined);
    const buffer = Buffer.from(line, 'utf8');
    try {
      let offset = 0;
      while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset);
    } catch (error) {
      throw new RecordingError(`cannot write recording ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, error);
    }
    this.hash.update(buffer);
    this.size += buffer.length;
  }
}
