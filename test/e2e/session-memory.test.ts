// A secret masked once in a session stays masked for the rest of it: typed into a shell as
// `export KEY=…` (masked by the assignment detector), then printed bare by `echo "$KEY"`, where no
// detector could tell it is one. Real kubectl, sandbox, dev IdP and relay (test/e2e/stack.ts).
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { useStack } from './use-stack.ts';
import { eventsOf, LongRun, manifestPayload, namesIn, newSession, readCast } from './sessions.ts';

const e2e = useStack({ podIn: 'staging' });

function fragmentsOf(value: string, size: number): string[] {
  return Array.from({ length: value.length - size + 1 }, (_, at) => value.slice(at, at + size));
}

describe('an interactive shell that prints a secret it was given', () => {
  it('masks the echoed value for the agent and in the recording, as the exported one was', async () => {
    const before = await namesIn(e2e.stack.recordings);
    // A fresh fake AWS secret access key each run (40 characters, like a real one).
    const key = randomBytes(30).toString('base64');
    const shell = new LongRun(['exec', '-it', e2e.pod, '-n', 'staging', '--', 'sh'], e2e.stack.env);
    shell.child.stdin!.end(`export AWS_SECRET_ACCESS_KEY=${key}\necho "$AWS_SECRET_ACCESS_KEY"\nexit\n`);
    const { code, signal } = await shell.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);

    const { castPath, manifestPath } = await newSession(e2e.stack.recordings, before);
    const cast = await readCast(castPath);
    const input = eventsOf(cast, 'i');
    const output = eventsOf(cast, 'o');
    // The shell did print it: the echo came back, masked as a value the session already knew.
    expect(input).toMatch(/AWS_SECRET_ACCESS_KEY=\[MASKED:[a-z-]+\]\necho "\$AWS_SECRET_ACCESS_KEY"\nexit\n/);
    expect(output).toContain('[MASKED:session-known-value]');
    expect(shell.stdout).toContain('[MASKED:session-known-value]');
    expect((await manifestPayload(manifestPath)).masking.counts['session-known-value']).toBeGreaterThan(0);
    for (const piece of fragmentsOf(key, 12)) {
      expect(shell.stdout).not.toContain(piece);
      expect(input).not.toContain(piece);
      expect(output).not.toContain(piece);
      expect(cast.text).not.toContain(piece);
    }
  });
});
