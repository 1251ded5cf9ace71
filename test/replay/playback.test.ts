// Recordings play as a terminal showed them, in every player: asciinema-player in a real
// Chromium (through `hkubectl play`) and the `asciinema` CLI in a pseudo-terminal. A pipe
// session's lines start at the first column (no staircase), a pty session's too, and a pipe
// recording made before the header said so is drawn the same way by play.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastWriter } from '../../src/recording/cast-writer.ts';
import type { AsciicastHeader } from '../../src/recording/asciicast.ts';
import { agentOutput } from '../../src/recording/cast-display.ts';
import { readCast } from '../../src/recording/cast-reader.ts';
import { startPlayServer, type PlayServer } from '../../src/replay/play-server.ts';
import { checkSession } from '../../src/replay/verification.ts';
import { runInPty } from '../helpers/run.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { relayKeys, tempDir, writeSession, type TestRelayKeys } from './fixtures.ts';

const TABLE = 'NAME    READY   STATUS\nweb-1   1/1     Running\nweb-2   1/1     Running\n';
const LINES = ['NAME    READY   STATUS', 'web-1   1/1     Running', 'web-2   1/1     Running'];

let dir: { path: string; remove(): Promise<void> };
let keys: TestRelayKeys;
let server: PlayServer;
let browser: TestBrowser;

/** A recording made by hkubectl's own writer, signed as the relay would. */
async function record(session: string, stdout: 'pipe' | 'pty', output: string[]): Promise<void> {
  const header = { version: 2, width: 80, height: 24, timestamp: 1_750_000_000, command: 'kubectl get pods', hk: { v: 1, session, stdout } } as AsciicastHeader;
  let clock = 0;
  const writer = new CastWriter(join(dir.path, `${session}.cast`), header, () => (clock += 10));
  writer.marker('decision: allow by rule reads (risk 5)');
  for (const chunk of output) writer.write('o', Buffer.from(chunk));
  writer.marker('exit 0');
  const summary = writer.close();
  await writeSession(dir.path, keys, { session, stdout, terminal: stdout === 'pty', startedAt: '2026-03-01T10:00:00Z', castOverride: summary.path });
}

beforeAll(async () => {
  dir = await tempDir('hk-playback-');
  keys = await relayKeys();
  // Cut mid-line, as pipes deliver it.
  await record('pipe-session', 'pipe', [TABLE.slice(0, 30), TABLE.slice(30)]);
  await record('pty-session', 'pty', [TABLE.replace(/\n/g, '\r\n')]);
  // Written before hk.stdout existed: bare LFs, and a manifest that says "not a terminal".
  await writeSession(dir.path, keys, { session: 'legacy-pipe', startedAt: '2026-03-01T09:00:00Z', events: [[0, 'm', 'decision: allow by rule reads (risk 5)'], [0.01, 'o', TABLE], [0.02, 'm', 'exit 0']] });
  server = await startPlayServer({ dir: dir.path, jwks: keys.jwks, label: dir.path });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await dir?.remove();
});

/** The player's terminal, line by line, once the recording has played to its end. */
async function renderedLines(session: string): Promise<string[]> {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${server.url}#/session/${session}`);
    await page.locator('#player .ap-line', { hasText: 'web-2' }).first().waitFor({ timeout: 20_000 });
    return await page.$$eval('#player .ap-line', (lines) => lines.map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
  } finally {
    await page.close();
  }
}

describe('playback of recorded sessions', () => {
  it('writes a pipe session as a terminal shows it, from which the agent\'s exact bytes come back', async () => {
    const cast = await readCast(join(dir.path, 'pipe-session.cast'));
    expect(cast.header.hk).toEqual({ v: 1, session: 'pipe-session', stdout: 'pipe' });
    const output = cast.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    expect(output).toBe(TABLE.replace(/\n/g, '\r\n'));
    expect(agentOutput(cast.header, cast.events)).toBe(TABLE);
    // verify checks the digest the relay signed: that of the file as written.
    for (const session of ['pipe-session', 'pty-session', 'legacy-pipe']) {
      expect((await checkSession(join(dir.path, `${session}.manifest.json`), keys.jwks)).status, session).toBe('verified');
    }
  });

  for (const session of ['pipe-session', 'pty-session', 'legacy-pipe']) {
    it(`draws ${session} in asciinema-player line by line, each from the first column`, async () => {
      const lines = await renderedLines(session);
      expect(lines.slice(0, 4)).toEqual([...LINES, '']);
    });
  }

  for (const session of ['pipe-session', 'pty-session']) {
    it(`plays ${session} with \`asciinema cat\` in a terminal without a staircase`, async () => {
      const played = await runInPty('/usr/bin/asciinema', ['cat', join(dir.path, `${session}.cast`)], { cols: 80, rows: 24 });
      expect(played.code).toBe(0);
      expect(played.output).toBe(LINES.map((line) => `${line}\r\n`).join(''));
    });
  }
});
