// `npm test` on a machine without the Debian packages the tests drive stops in its first second
// with one line saying how to get them (test/setup/prerequisites.mjs), rather than deep inside a
// browser test.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/run.ts';

const SCRIPT = join(import.meta.dirname, 'prerequisites.mjs');

describe('the test prerequisites check', () => {
  it('passes on this machine, which has them', async () => {
    const result = await run(process.execPath, [SCRIPT]);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
  });

  it('names every missing program and the command that installs it, in one line, exit 1', async () => {
    const result = await run(process.execPath, [SCRIPT], { env: { PATH: '/nonexistent' } });
    expect(result.code).toBe(1);
    const text = result.stderr.toString();
    expect(text.split('\n')).toEqual([expect.stringMatching(/^tests cannot run: missing chromium \(for .*\), asciinema \(for .*\), bwrap \(for .*\): run `npm run setup:test` as root, or `apt-get install chromium asciinema bubblewrap`$/), '']);
  });

  it('lists the packages to install for setup:test and CI', async () => {
    const result = await run(process.execPath, [SCRIPT, '--packages'], { env: { PATH: '/nonexistent' } });
    expect(result.stdout.toString()).toBe('chromium asciinema bubblewrap\n');
    expect((await run(process.execPath, [SCRIPT, '--packages'])).stdout.toString()).toBe('\n');
  });
});
