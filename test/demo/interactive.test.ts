// `hkubectl demo --interactive` with a person at a real terminal (node-pty): they approve the
// exec and deny the scale by typing, and the story, the agent's exit codes and the signed
// recordings follow their answers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HKUBECTL_BIN, hkubectl } from '../helpers/run.ts';
import { startInPty } from './pty-session.ts';

const DOWN = '\u001b[B';
const ENTER = '\r';

let work: string;
let story: string;
let code: number;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hk-demo-pty-'));
  const session = await startInPty(process.execPath, [HKUBECTL_BIN, 'demo', '--interactive', '--dir', 'recordings'], {
    cwd: work, env: { PATH: process.env.PATH, HOME: work, TERM: 'xterm' }, timeoutMs: 120_000,
  });
  await session.waitFor(/approval needed \(rule access-in-production/);
  await session.waitFor(/Approve request \w+\?/);
  session.type(ENTER);
  await session.waitFor(/Why do you approve it\?/);
  session.type(`checked with the on-call, INC-4711${ENTER}`);
  await session.waitFor(/approval needed \(rule writes-in-production/);
  await session.waitFor(/Approve request \w+\?/);
  session.type(`${DOWN}${ENTER}`);
  await session.waitFor(/Why do you deny it\?/);
  session.type(`not during the freeze${ENTER}`);
  code = await session.exited;
  story = session.text();
}, 150_000);

afterAll(() => rm(work, { recursive: true, force: true }));

describe('hkubectl demo --interactive on a terminal', () => {
  it('records the person\'s approval and runs the exec, and exits 0 at the end', () => {
    expect(code, story).toBe(0);
    expect(story).toContain('✔ approved by alice: checked with the on-call, INC-4711');
    expect(story).toContain('ran once approved');
  });

  it('records the person\'s denial, and the agent is refused with exit 77', () => {
    expect(story).toContain('✘ denied by alice: not during the freeze');
    expect(story).toMatch(/hkubectl: request \S+ was denied by alice: not during the freeze/);
    expect(story).toContain('denied: nothing ran (exit 77)');
    expect(story).not.toContain('deployment.apps/payments-api scaled');
  });

  it('leaves signed recordings that carry the typed justification and verify', async () => {
    const dir = join(work, 'recordings');
    const result = await hkubectl(['verify', dir, '--jwks', join(dir, 'jwks.json'), '-o', 'json']);
    expect(result.code).toBe(0);
    const sessions = JSON.parse(result.stdout.toString()) as Array<{ status: string; manifest: { command: { verb: string }; approval: { justification: string } | null } }>;
    expect(sessions.every((session) => session.status === 'verified')).toBe(true);
    expect(sessions.map((session) => session.manifest.command.verb)).not.toContain('scale');
    expect(sessions.find((session) => session.manifest.command.verb === 'exec')?.manifest.approval?.justification).toBe('checked with the on-call, INC-4711');
  });
});
