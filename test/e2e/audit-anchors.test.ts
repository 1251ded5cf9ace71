// The audit log's anchor against the demo stack: an agent's governed commands, a relay that signs
// checkpoints of its log's head, and an auditor's `hkubectl audit verify` that passes the log as
// the relay left it and fails it once its last lines are cut off (what someone hiding the last
// commands would do). Real kubectl, sandbox, dev IdP and relay.
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_LOG_FILE } from '../../src/relay/server/server.ts';
import { hkubectl } from '../helpers/run.ts';
import { useStack } from './use-stack.ts';

const e2e = useStack();

describe('the demo stack\'s audit log, anchored', () => {
  it('verifies as the relay left it, and fails with exit 78 naming the first missing entry once its last lines are cut off', async () => {
    const { stack } = e2e;
    for (const args of [['get', 'pods', '-n', 'staging'], ['get', 'deployments', '-n', 'staging']]) {
      const run = await stack.hk(args);
      expect(run.code).toBe(0);
    }
    await stack.stopRelay();
    const intact = await hkubectl(['audit', 'verify', '--data', stack.relay.dataDir]);
    expect(intact.stderr.toString()).toBe('');
    expect(intact.stdout.toString()).toMatch(/chain intact, head #(\d+) [0-9a-f]{64}, anchored by \d+ signed checkpoints up to #\1 /);

    const cut = join(stack.root, 'relay-cut');
    await cp(stack.relay.dataDir, cut, { recursive: true });
    await rm(join(cut, 'relay.lock'), { recursive: true, force: true });
    const lines = (await readFile(join(cut, AUDIT_LOG_FILE), 'utf8')).trim().split('\n');
    await writeFile(join(cut, AUDIT_LOG_FILE), `${lines.slice(0, -2).join('\n')}\n`);
    const truncated = await hkubectl(['audit', 'verify', '--data', cut]);
    expect(truncated.code).toBe(78);
    expect(truncated.stderr.toString()).toMatch(new RegExp(`^hkubectl: .*audit\\.jsonl: the log ends at #${lines.length - 2}, but checkpoint \\d+ \\(signed [^)]+\\) covers up to #\\d+: entries from #${lines.length - 1} on were removed`));
    await stack.restartRelay();
  });
});
