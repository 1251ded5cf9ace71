// One kubectl run as a recorded, masked session: kubectl → masker → (agent, recording), on pipes
// or in a pseudo-terminal. Masking or recording failure stops kubectl and withholds the rest of
// its output (fail closed); the caller reports the failure.
import { createStreamingMasker, MaskedValueMemory, type MaskCounts, type MaskingOptions, type StreamingMasker } from '../masking/index.ts';
import type { KubectlEnd } from '../kubectl/exit-status.ts';
import { spawnKubectl } from '../kubectl/spawn-pipes.ts';
import { DEFAULT_TERMINAL_SIZE, spawnKubectlPty, type TerminalSize } from '../kubectl/spawn-pty.ts';
import { HkError, ExitCode, isHkError } from '../errors.ts';
import { CastWriter, type CastSummary } from './cast-writer.ts';
import type { AsciicastHeader } from './asciicast.ts';
import { afterIdle, MaskedOutput, nextTurn, type Sink } from './masked-output.ts';

export interface KubectlSessionOptions {
  kubectlPath: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Run inside a pseudo-terminal (interactive verbs, `-t`). */
  terminal: boolean;
  /** On pipes: pass stdin through hkubectl to kubectl and record it, masked, as input. */
  recordInput?: boolean;
  /**
   * On pipes: stdin already read (and hashed for an approval): kubectl gets exactly these bytes
   * instead of hkubectl's stdin, recorded masked as input when recording.
   */
  input?: Buffer;
  masking: MaskingOptions;
  /** Where to record; null runs unrecorded (policy `record: false`). */
  cast: { path: string; header: Omit<AsciicastHeader, 'width' | 'height'> } | null;
  /** Markers written before kubectl starts (e.g. the approval that allowed it). */
  markers?: string[];
  /** Values no output or recording of this session may show (the gateway grant): masked wherever they appear. */
  knownSecrets?: string[];
  now?: () => Date;
}

export interface KubectlSessionResult {
  exitCode: number;
  /** The signal that killed kubectl, if one did. */
  signal: NodeJS.Signals | null;
  startedAt: string;
  endedAt: string;
  cast: CastSummary | null;
  maskCounts: MaskCounts;
  /** Set when masking or recording failed; exitCode is then its exit code. */
  failure: HkError | null;
}

export async function runKubectlSession(options: KubectlSessionOptions): Promise<KubectlSessionResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const size = terminalSize();
  const writer = options.cast
    ? new CastWriter(options.cast.path, withStdoutKind({ ...options.cast.header, width: size.columns, height: size.rows } as AsciicastHeader, options.terminal))
    : null;
  for (const marker of options.markers ?? []) writer?.marker(marker);

  let failure: HkError | null = null;
  let stop: (() => void) | undefined;
  const failClosed = (error: unknown): void => {
    if (failure) return;
    failure = isHkError(error)
      ? error
      : new HkError('ERR_MASKING', 'masking the output failed, so the rest of it was withheld', ExitCode.software, {
          hint: 'the command was stopped; report this with the command that produced it',
          cause: error,
        });
    stop?.();
  };
  const recordSink: Sink = (bytes) => {
    if (!writer || failure) return;
    try {
      writer.write('o', bytes);
    } catch (error) {
      failClosed(error);
    }
  };
  // One memory for all of the session's maskers: a value masked in the typed input or on stdout
  // stays masked wherever it turns up later, on either stream.
  const memory = new MaskedValueMemory();
  for (const secret of options.knownSecrets ?? []) memory.remember(secret);
  const outputTo = (stream: NodeJS.WritableStream, idle: typeof nextTurn): MaskedOutput =>
    new MaskedOutput(createStreamingMasker(options.masking, memory), [
      (bytes) => {
        if (!failure && stream.writable) stream.write(bytes);
      },
      recordSink,
    ], idle);

  let end: KubectlEnd;
  const outputs: MaskedOutput[] = [];
  const extraCounts: Array<Readonly<Record<string, number>>> = [];
  if (options.terminal) {
    const out = outputTo(process.stdout, nextTurn);
    outputs.push(out);
    end = await runInTerminal(options, memory, size, out, writer, failClosed, (kill) => (stop = kill), (counts) => extraCounts.push(counts));
  } else {
    const out = outputTo(process.stdout, afterIdle(10));
    const err = outputTo(process.stderr, afterIdle(10));
    outputs.push(out, err);
    const { child, ended } = spawnKubectl(options.kubectlPath, options.args, options.env, 'pipe', options.recordInput || options.input ? 'pipe' : 'inherit');
    stop = () => child.kill('SIGTERM');
    const stopInput = options.input
      ? feedInput(child.stdin!, options.input, createStreamingMasker(options.masking, memory), writer, failClosed, (counts) => extraCounts.push(counts))
      : options.recordInput
        ? teeInput(child.stdin!, createStreamingMasker(options.masking, memory), writer, failClosed, (counts) => extraCounts.push(counts))
        : () => {};
    // Closing our end of kubectl's pipe gives kubectl the broken pipe the agent's end gave us.
    whenReaderGone(process.stdout, () => child.stdout!.destroy());
    whenReaderGone(process.stderr, () => child.stderr!.destroy());
    child.stdout!.on('data', (chunk: Buffer) => {
      out.push(chunk);
      // Keep memory bounded when the agent reads slower than kubectl writes.
      if (process.stdout.writableNeedDrain) {
        child.stdout!.pause();
        process.stdout.once('drain', () => child.stdout!.resume());
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    // 'close' rather than 'end': a pipe destroyed above never ends, and its held tail still
    // belongs in the recording.
    child.stdout!.once('close', () => out.end());
    child.stderr!.once('close', () => err.end());
    end = await ended;
    stopInput();
  }
  const { exitCode } = end;
  for (const output of outputs) if (output.failure !== undefined) failClosed(output.failure);
  if (!failure && writer) {
    try {
      writer.marker(`exit ${exitCode}`);
    } catch (error) {
      failClosed(error);
    }
  }
  let cast: CastSummary | null = null;
  try {
    cast = writer ? writer.close() : null;
  } catch (error) {
    failClosed(error);
  }
  const maskCounts: MaskCounts = {};
  for (const counts of [...outputs.map((output) => output.counts), ...extraCounts]) {
    for (const [detector, count] of Object.entries(counts)) maskCounts[detector] = (maskCounts[detector] ?? 0) + count;
  }
  return {
    exitCode: failure ? (failure as HkError).exitCode : exitCode,
    signal: end.signal,
    startedAt,
    endedAt: now().toISOString(),
    cast,
    maskCounts,
    failure,
  };
}

/**
 * The agent may stop reading early (`hkubectl get … | head`): writing to it then fails with
 * EPIPE. kubectl should meet that end as if it wrote to the agent itself (a shell reports 141 for
 * its SIGPIPE), and hkubectl must not die of an unhandled 'error' before it has closed the
 * session. The listener stays for the life of the process: later lines (a warning, the exit
 * line) then fail quietly too.
 */
function whenReaderGone(stream: NodeJS.WriteStream, react: () => void): void {
  let gone = false;
  stream.on('error', () => {
    if (gone) return;
    gone = true;
    react();
  });
}

/**
 * The caller's stdin on its way to kubectl on a pipe: passed on byte for byte (with
 * back-pressure), and recorded masked as `i` events. Returns what stops it once kubectl is gone.
 */
function teeInput(
  toKubectl: NodeJS.WritableStream,
  masker: StreamingMasker,
  writer: CastWriter | null,
  failClosed: (error: unknown) => void,
  reportCounts: (counts: Readonly<Record<string, number>>) => void,
): () => void {
  reportCounts(masker.counts);
  const stdin = process.stdin;
  const record = (produce: () => Uint8Array): void => {
    try {
      const bytes = produce();
      if (bytes.length > 0) writer?.write('i', bytes);
    } catch (error) {
      failClosed(error);
    }
  };
  const onData = (chunk: Buffer): void => record(() => masker.push(chunk));
  const onEnd = (): void => record(() => masker.flush());
  // kubectl may stop reading (and exit) before the input ends: that is its call, not an error.
  toKubectl.on('error', () => {});
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.pipe(toKubectl);
  return () => {
    stdin.unpipe(toKubectl);
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    if (masker.heldBytes > 0) record(() => masker.flush());
    stdin.pause();
  };
}

/** Input read before kubectl started: written to kubectl once, and recorded masked as one `i` event. */
function feedInput(
  toKubectl: NodeJS.WritableStream,
  bytes: Buffer,
  masker: StreamingMasker,
  writer: CastWriter | null,
  failClosed: (error: unknown) => void,
  reportCounts: (counts: Readonly<Record<string, number>>) => void,
): () => void {
  reportCounts(masker.counts);
  toKubectl.on('error', () => {});
  toKubectl.end(bytes);
  if (writer) {
    try {
      const masked = Buffer.concat([masker.push(bytes), masker.flush()]);
      if (masked.length > 0) writer.write('i', masked);
    } catch (error) {
      failClosed(error);
    }
  }
  return () => {};
}

/** The header says what the output went through, so readers know how to draw it (cast-display.ts). */
function withStdoutKind(header: AsciicastHeader, terminal: boolean): AsciicastHeader {
  return header.hk ? { ...header, hk: { ...header.hk, stdout: terminal ? 'pty' : 'pipe' } } : header;
}

function terminalSize(): TerminalSize {
  const { columns, rows } = process.stdout;
  return process.stdout.isTTY && columns && rows ? { columns, rows } : DEFAULT_TERMINAL_SIZE;
}

async function runInTerminal(
  options: KubectlSessionOptions,
  memory: MaskedValueMemory,
  size: TerminalSize,
  out: MaskedOutput,
  writer: CastWriter | null,
  failClosed: (error: unknown) => void,
  onStop: (kill: () => void) => void,
  reportInputCounts: (counts: Readonly<Record<string, number>>) => void,
): Promise<KubectlEnd> {
  const pty = await spawnKubectlPty(options.kubectlPath, options.args, options.env, size);
  onStop(() => pty.kill('SIGTERM'));
  // A terminal whose reader is gone is a terminal hung up.
  whenReaderGone(process.stdout, () => pty.kill('SIGHUP'));
  whenReaderGone(process.stderr, () => {});
  pty.onOutput((bytes) => {
    out.push(bytes);
    // As with pipes: hold kubectl back rather than buffer what the agent has not read yet.
    if (process.stdout.writableNeedDrain) {
      pty.pause();
      process.stdout.once('drain', () => pty.resume());
    }
  });

  const stdin = process.stdin;
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  if (stdin.isTTY) stdin.setRawMode(true);
  const inputMasker = createStreamingMasker(options.masking, memory);
  reportInputCounts(inputMasker.counts);
  const onInput = (chunk: Buffer): void => {
    pty.write(chunk);
    try {
      const masked = inputMasker.push(chunk);
      if (masked.length > 0) writer?.write('i', masked);
      if (inputMasker.heldBytes > 0) {
        const rest = inputMasker.flush();
        if (rest.length > 0) writer?.write('i', rest);
      }
    } catch (error) {
      failClosed(error);
    }
  };
  // A piped stdin that ends is the end of input for the program in the terminal: send EOF.
  const onInputEnd = (): void => pty.write('\x04');
  stdin.on('data', onInput);
  stdin.once('end', onInputEnd);
  const onResize = (): void => {
    const columns = process.stdout.columns;
    const rows = process.stdout.rows;
    if (!columns || !rows) return;
    pty.resize({ columns, rows });
    try {
      writer?.resize(columns, rows);
    } catch (error) {
      failClosed(error);
    }
  };
  process.stdout.on('resize', onResize);
  try {
    return await pty.ended;
  } finally {
    out.end();
    process.stdout.off('resize', onResize);
    stdin.off('data', onInput);
    stdin.off('end', onInputEnd);
    if (stdin.isTTY) stdin.setRawMode(wasRaw);
    stdin.pause();
  }
}
