// recordings/example: the demo session committed to the repository, for readers who have not run
// the demo yet. It must keep verifying with the tools as they change, and hold no secret.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hkubectl } from '../helpers/run.ts';
import { expectNoSecretIn } from './secrets.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(REPO, 'recordings', 'example');

type Verified = { session: string; status: string; castPath: string; manifest: { command: { verb: string; argv: string[] }; approval: { approver: { subject: string }; justification: string } | null } | null };

describe('recordings/example', () => {
  it('verifies with `hkubectl verify recordings/example --jwks recordings/example/jwks.json`', async () => {
    const result = await hkubectl(['verify', 'recordings/example', '--jwks', 'recordings/example/jwks.json'], { cwd: REPO });
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(/^(\d+) sessions: \1 verified$/m);
  });

  it('shows a masked Secret read and human approvals with their justification', async () => {
    const result = await hkubectl(['verify', EXAMPLE, '--jwks', join(EXAMPLE, 'jwks.json'), '-o', 'json']);
    const sessions = JSON.parse(result.stdout.toString()) as Verified[];
    const approved = sessions.filter((session) => session.manifest?.approval);
    expect(approved.length).toBeGreaterThan(0);
    for (const session of approved) {
      expect(session.manifest!.approval!.approver.subject).toBe('alice');
      expect(session.manifest!.approval!.justification.length).toBeGreaterThan(10);
    }
    const secretRead = sessions.find((session) => session.manifest?.command.argv.includes('secret'));
    const cast = await readFile(secretRead!.castPath, 'utf8');
    const password = /password: (\S+?)\\n/.exec(cast)?.[1];
    expect(Buffer.from(password!, 'base64').toString()).toMatch(/^\[MASKED:[\w-]+\]$/);
  });

  it('holds no secret and no private key', async () => {
    await expectNoSecretIn(EXAMPLE);
    const jwks = JSON.parse(await readFile(join(EXAMPLE, 'jwks.json'), 'utf8')) as { keys: Array<Record<string, unknown>> };
    for (const key of jwks.keys) expect(key.d).toBeUndefined();
  });

  it('is evidence that shows tampering: one changed byte in a .cast and it no longer verifies', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'hk-example-'));
    try {
      await cp(EXAMPLE, copy, { recursive: true });
      const cast = (await readdir(copy)).find((name) => name.endsWith('.cast'))!;
      const text = await readFile(join(copy, cast), 'utf8');
      await writeFile(join(copy, cast), text.replace('exit 0', 'exit 1'));
      const result = await hkubectl(['verify', copy, '--jwks', join(copy, 'jwks.json')]);
      expect(result.code).toBe(1);
      expect(result.stdout.toString()).toMatch(new RegExp(`^TAMPERED\\s+${cast.replace('.cast', '')}`, 'm'));
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
