import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, appendFile, chmod } from 'node:fs/promises';
import { openSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { CastWriter, RecordingError } from '../../src/recording/cast-writer.ts';
import { readCast, CastFormatError } from '../../src/recording/cast-reader.ts';
import { run, runInPty } from '../helpers/run.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-cast-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = { version: 2 as const, width: 80, height: 24, timestamp: 1_700_000_000, command: 'kubectl get pods', title: 'kubectl get pods' };

describe('CastWriter', () => {
  it('writes an asciicast v2 file that reads back event for event', async () => {
    let clock = 0;
    const path = join(dir, 'a.cast');
    const writer = new CastWriter(path, header, () => clock);
    clock = 100;
    writer.write('o', Buffer.from('hello\r\n'));
    clock = 250;
    writer.resize(100, 30);
    writer.marker('approval: alice approved');
    writer.write('i', 'ls\r');
    const summary = writer.close();
    const { header: readHeader, events } = await readCast(path);
    expect(readHeader).toEqual(header);
    expect(events).toEqual([
      [0.1, 'o', 'hello\r\n'],
      [0.25, 'r', '100x30'],
      [0.25, 'm', 'approval: alice approved'],
      [0.25, 'i', 'ls\r'],
    ]);
    const bytes = await readFile(path);
    expect(summary).toEqual({ path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, events: 4 });
  });

  it('keeps a multi-byte character whole when a chunk boundary splits it', async () => {
    const path = join(dir, 'utf8.cast');
    const writer = new CastWriter(path, header);
    const bytes = Buffer.from('naïve ✓\n');
    for (const byte of bytes) writer.write('o', Buffer.from([byte]));
    writer.close();
    const { events } = await readCast(path);
    expect(events.map((e) => e[2]).join('')).toBe('naïve ✓\n');
  });

  it('plays in the asciinema CLI without complaint', async () => {
    const path = join(dir, 'play.cast');
    const writer = new CastWriter(path, header);
    writer.write('o', '\x1b[1mbold\x1b[0m and plain\r\n');
    writer.marker('exit 0');
    writer.close();
    // asciinema reads /dev/tty, so it gets a real terminal; the terminal adds \r before \n.
    const result = await runInPty('asciinema', ['cat', path]);
    expect(result.code).toBe(0);
    expect(result.output.replace(/\r/g, '')).toBe('\x1b[1mbold\x1b[0m and plain\n');
  });

  it('leaves a valid partial recording when its process is killed with SIGKILL', async () => {
    const path = join(dir, 'killed.cast');
    const scriptPath = join(dir, 'killed-writer.ts');
    await writeFile(scriptPath, `
      import { CastWriter } from ${JSON.stringify(new URL('../../src/recording/cast-writer.ts', import.meta.url).pathname)};
      const w = new CastWriter(${JSON.stringify(path)}, { version: 2, width: 80, height: 24 });
      let n = 0;
      setInterval(() => { w.write('o', 'line ' + (n++) + '\\r\\n'); if (n === 5) process.stdout.write('ready\\n'); }, 1);
    `);
    const child = spawn(process.execPath, [join(process.cwd(), 'node_modules/vite-node/dist/cli.mjs'), scriptPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const { events } = await readCast(path);
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(events.every(([, code, data], i) => code === 'o' && data === `line ${i}\r\n`)).toBe(true);
    const played = await runInPty('asciinema', ['cat', path]);
    expect(played.code).toBe(0);
    expect(played.output).toContain('line 4');
  });

  it('refuses to overwrite an existing recording', async () => {
    const path = join(dir, 'exists.cast');
    await writeFile(path, 'x');
    expect(() => new CastWriter(path, header)).toThrow(RecordingError);
  });

  it('fails closed with a clear error when the directory is not writable', async () => {
    const locked = join(dir, 'locked');
    await run('mkdir', ['-p', locked]);
    await chmod(locked, 0o500);
    // root ignores directory permissions, so use a path under a file instead: ENOTDIR for everyone
    const path = process.getuid?.() === 0 ? join(dir, 'exists.cast', 'x.cast') : join(locked, 'x.cast');
    expect(() => new CastWriter(path, header)).toThrow(/cannot create recording/);
  });

  it('reports a disk-full write as a recording error naming ENOSPC', () => {
    // /dev/full answers every write with ENOSPC: a real full disk, without filling one.
    expect(() => new CastWriter('/dev/full', header, undefined, (p) => openSync(p, 'w'))).toThrow(/cannot write recording \/dev\/full: ENOSPC/);
  });
});

describe('readCast', () => {
  it('refuses an asciicast version it does not know', async () => {
    const path = join(dir, 'v3.cast');
    await writeFile(path, '{"version": 3, "term": {"cols": 80, "rows": 24}}\n');
    await expect(readCast(path)).rejects.toThrow(/asciicast version 3 is not supported/);
  });

  it('reports a torn last line with its line number', async () => {
    const path = join(dir, 'torn.cast');
    await writeFile(path, '{"version": 2, "width": 80, "height": 24}\n[0.1, "o", "ok"]\n');
    await appendFile(path, '[0.2, "o", "cut');
    await expect(readCast(path)).rejects.toThrow(CastFormatError);
    await expect(readCast(path)).rejects.toThrow(/:3: last line is torn/);
  });

  it('names the line of a malformed event', async () => {
    const path = join(dir, 'bad.cast');
    await writeFile(path, '{"version": 2, "width": 80, "height": 24}\n[0.1, "x", "?"]\n');
    await expect(readCast(path)).rejects.toThrow(/bad\.cast:2: event must be/);
  });
});

describe('recording output from pipes', () => {
  const pipeHeader = { ...header, hk: { v: 1 as const, session: 's-pipe', stdout: 'pipe' as const } };

  it('writes each LF of a pipe session\'s output as CR LF, keeps input as typed, and the agent\'s bytes come back exactly', async () => {
    const { agentOutput } = await import('../../src/recording/cast-display.ts');
    const path = join(dir, 'pipe.cast');
    const writer = new CastWriter(path, pipeHeader, () => 0);
    const agentGot = 'a\nb\r\nc\r\r\n\n€ split\n';
    const bytes = Buffer.from(agentGot);
    // Cut inside the euro sign and between a CR and its LF.
    for (const [from, to] of [[0, 5], [5, 12], [12, bytes.length]] as const) writer.write('o', bytes.subarray(from, to));
    writer.write('i', Buffer.from('typed\n'));
    const summary = writer.close();
    const cast = await readCast(path);
    expect(cast.header.hk).toEqual({ v: 1, session: 's-pipe', stdout: 'pipe' });
    const output = cast.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    expect(output).not.toMatch(/(^|[^\r])\n/);
    expect(agentOutput(cast.header, cast.events)).toBe(agentGot);
    expect(cast.events.find((e) => e[1] === 'i')![2]).toBe('typed\n');
    // The manifest's digest is of the file as written.
    expect(summary.sha256).toBe(createHash('sha256').update(await readFile(path)).digest('hex'));
  });

  it('leaves a pty session\'s output as the terminal gave it', async () => {
    const path = join(dir, 'pty.cast');
    const writer = new CastWriter(path, { ...header, hk: { v: 1, session: 's-pty', stdout: 'pty' } }, () => 0);
    writer.write('o', Buffer.from('x\r\ny\n'));
    writer.close();
    expect((await readCast(path)).events[0]![2]).toBe('x\r\ny\n');
  });

  it('refuses a recording whose hkubectl header it does not know, rather than guessing', async () => {
    for (const [hk, problem] of [[{ v: 2, session: 's' }, /hkubectl header version 2 is not supported/], [{ v: 1, session: 's', stdout: 'tty' }, /hk.stdout/]] as const) {
      const path = join(dir, `bad-${problem.source.length}.cast`);
      await writeFile(path, `${JSON.stringify({ ...header, hk })}\n`);
      await expect(readCast(path)).rejects.toThrow(problem);
    }
  });
});
