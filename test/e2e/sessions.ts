// Reading what a governed session leaves behind, independently of hkubectl's own readers: the
// recordings directory, .cast lines parsed as plain JSON, a manifest's JWS payload decoded by
// hand, the asciinema CLI as the .cast consumer; and hkubectl runs that last until stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { HKUBECTL_BIN, run, runInPty } from '../helpers/run.ts';

export type CastEvent = [number, string, string];
export type Cast = { header: Record<string, unknown>; events: CastEvent[]; text: string };

/** Names in a directory (none when it does not exist). */
export async function namesIn(dir: string): Promise<string[]> {
  return readdir(dir).then((names) => names.sort(), () => []);
}

export type SessionPaths = { session: string; castPath: string; manifestPath: string };

/** The one session whose .cast appeared in `dir` since `before` was listed. */
export async function newSession(dir: string, before: string[]): Promise<SessionPaths> {
  const casts = (await namesIn(dir)).filter((name) => name.endsWith('.cast') && !before.includes(name));
  expect(casts).toHaveLength(1);
  const session = casts[0]!.slice(0, -'.cast'.length);
  return { session, castPath: join(dir, `${session}.cast`), manifestPath: join(dir, `${session}.manifest.json`) };
}

/** Every line of an asciicast v2 file, each parsed on its own as the format requires. */
export async function readCast(path: string): Promise<Cast> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const [first, ...rest] = text.slice(0, -1).split('\n');
  const header = JSON.parse(first!) as Record<string, unknown>;
  expect(header.version).toBe(2);
  const events = rest.map((line) => JSON.parse(line) as CastEvent);
  for (const [time, code, data] of events) {
    expect(typeof time).toBe('number');
    expect(['o', 'i', 'r', 'm']).toContain(code);
    expect(typeof data).toBe('string');
  }
  return { header, events, text };
}

export const rawEventsOf = (cast: Cast, code: string): string => cast.events.filter(([, c]) => c === code).map(([, , data]) => data).join('');

/**
 * The events' data joined. For the output of a pipe session (header `hk.stdout: "pipe"`), the
 * bytes the agent received: the recording holds each of its LFs as CR LF, as a terminal shows them.
 */
export const eventsOf = (cast: Cast, code: string): string => {
  const text = rawEventsOf(cast, code);
  return code === 'o' && (cast.header.hk as { stdout?: string } | undefined)?.stdout === 'pipe' ? text.replace(/\r\n/g, '\n') : text;
};

export type ManifestFile = { payload: string; protected: string; signature: string };

/** The manifest file as written (a flattened JWS, or the unsigned marker). */
export async function readManifestFile(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

/** The signed manifest's payload, decoded from its JWS without hkubectl's code. */
export async function manifestPayload(path: string): Promise<Record<string, any>> {
  const jws = (await readManifestFile(path)) as ManifestFile;
  expect(Object.keys(jws).sort()).toEqual(['payload', 'protected', 'signature']);
  return JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8')) as Record<string, any>;
}

/**
 * `asciinema cat`, which reads /dev/tty and so gets a terminal; it prints the 'o' events and
 * nothing else, the terminal turning \n into \r\n. A line it cannot parse ends it with a traceback.
 */
export async function playInAsciinema(path: string): Promise<{ code: number; output: string }> {
  const played = await runInPty('/usr/bin/asciinema', ['cat', path]);
  return { code: played.code, output: played.output.replace(/\r/g, '') };
}

/** What asciinema should print for a recording: its output events, with \r gone as above. */
export const expectedPlayback = (cast: Cast): string => eventsOf(cast, 'o').replace(/\r/g, '');

/** A hkubectl that runs until told to stop (watches, port-forwards, shells). */
export class LongRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private static readonly running = new Set<ChildProcess>();

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, [HKUBECTL_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    LongRun.running.add(child);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    child.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => {
      LongRun.running.delete(child);
      resolve({ code, signal });
    }));
  }

  /** For afterAll: whatever a failed test left running. */
  static killAll(): void {
    for (const child of LongRun.running) child.kill('SIGKILL');
  }

  /** Resolves with the first match of `pattern` in stdout or stderr; rejects if the process ends first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = this[stream].match(pattern);
        if (match) {
          this.child[stream]!.off('data', onData);
          resolve(match);
        }
        return match !== null;
      };
      // Registered after the constructor's listener, so the chunk is already appended.
      const onData = (): void => {
        check();
      };
      if (check()) return;
      this.child[stream]!.on('data', onData);
      void this.exited.then(() => {
        if (!check()) reject(new Error(`hkubectl ended before ${stream} matched ${pattern}:\n${this.stdout}\n${this.stderr}`));
      });
    });
  }

  /** The pid of the kubectl this hkubectl started. */
  async kubectlPid(): Promise<number> {
    const found = await run('pgrep', ['-P', String(this.child.pid), '-x', 'kubectl']);
    const pid = Number(found.stdout.toString().trim().split('\n')[0]);
    expect(pid).toBeGreaterThan(0);
    return pid;
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
