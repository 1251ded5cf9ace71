// `hkubectl replay` as an auditor sees it: the real executable in a pseudo-terminal, its output
// captured as the terminal got it, for a recording whose pod output tries to act outside the
// replay (issue 25, class 2).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HKUBECTL_BIN, runInPty } from '../helpers/run.ts';
import { relayKeys, tempDir, writeSession } from './fixtures.ts';

const ESC = '\x1b';
const FAKE = 'verified: session evil matches the manifest signed by the relay';
let dir: { path: string; remove(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await tempDir('hk-replay-pty-');
  const keys = await relayKeys();
  await writeSession(dir.path, keys, {
    session: 'evil', argv: ['logs', 'deploy/web', '-n', 'prod'], namespace: 'prod', stdout: 'pipe',
    approval: { requestId: 'req-7', approver: 'alice', justification: 'INC-1234 read the logs' },
    events: [
      [0, 'm', 'decision: allow by rule prod-logs (risk 40)'],
      [0.01, 'o', `${ESC}[32mstarting${ESC}[0m\r\nline two\r\n`],
      [0.02, 'o', `${ESC}]52;c;cm0gLXJmIC8=${ESC}\\${ESC}]0;root@prod${ESC}\\${ESC}]8;;https://evil.example/${ESC}\\link${ESC}]8;;${ESC}\\\r\n`],
      [0.03, 'o', `${ESC}P$qm${ESC}\\${ESC}[6n${ESC}[c${ESC}[?1049h${ESC}[?2004h${ESC}[?1000h${ESC}[1;3r`],
      [0.04, 'o', `${ESC}[2J${ESC}[H${FAKE}\r\n${ESC}[99A${ESC}]2;done\x07`],
      [0.05, 'm', 'exit 0'],
    ],
  });
  // Altered after signing: the real verdict is TAMPERED, whatever the recording prints.
  const cast = join(dir.path, 'evil.cast');
  await writeFile(cast, (await readFile(cast, 'utf8')).replace('line two', 'line 2!!'));
  await writeFile(join(dir.path, 'jwks.json'), JSON.stringify(keys.jwks));
  env = { PATH: process.env.PATH, HOME: dir.path, TERM: 'xterm-256color', HKUBECTL_CONFIG_DIR: join(dir.path, 'config'), HKUBECTL_DATA_DIR: join(dir.path, 'data'), HKUBECTL_RECORDINGS: dir.path, FORCE_COLOR: '0' };
});
afterAll(() => dir?.remove());

describe('hkubectl replay in a terminal', () => {
  it('passes the session\'s colours and lines but no clipboard, title, hyperlink, query, mode or screen clear', async () => {
    const { code, output } = await runInPty(process.execPath, [HKUBECTL_BIN, 'replay', 'evil', '--idle-limit', '0.01'], { env });
    expect(code).toBe(78);
    expect(output).toContain(`${ESC}[32mstarting${ESC}[0m`);
    expect(output).toContain('link');
    // No control string of any kind, no query, no lasting mode, no scroll region, no clear or absolute move.
    expect(output).not.toMatch(/\x1b[\]P_^X]|[\u0080-\u009f]|\x07/);
    expect(output).not.toMatch(/\x1b\[[\d;]*[cnrtHfd]|\x1b\[\?(1049|2004|1000)[hl]|\x1b\[[23]J/);
    expect(output).not.toContain('cm0gLXJmIC8=');
  });

  it('says who approved, when and why before the output, and gives its own verdict again after it', async () => {
    const { output } = await runInPty(process.execPath, [HKUBECTL_BIN, 'replay', 'evil', '--idle-limit', '0.01'], { env });
    const text = output.replace(/\x1b\[[\d;?]*[A-Za-z]|\x1bD/g, '');
    const lines = text.split(/\r?\n/).map((line) => line.replace(/\r/g, '')).filter((line) => line.trim() !== '');
    const approval = lines.findIndex((line) => line.startsWith('approved by alice@bank.example at 2026-03-01T10:00:00.000Z (request req-7)'));
    expect(approval).toBeGreaterThan(0);
    expect(lines[approval + 1]).toBe('justification: INC-1234 read the logs');
    expect(lines.findIndex((line) => line === 'starting')).toBeGreaterThan(approval);
    expect(lines.indexOf(FAKE)).toBeGreaterThan(approval);
    // The last verdict on screen is hkubectl's, printed after everything the recording drew.
    const verdicts = lines.filter((line) => /^(verified|TAMPERED|unsigned|UNVERIFIED|MISSING):/.test(line));
    expect(verdicts.at(-1)).toMatch(/^TAMPERED: session evil/);
    expect(lines.at(-1)).toMatch(/^hkubectl: session evil does not match its signed manifest/);
  });
});
