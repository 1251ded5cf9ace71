// The approver's and auditor's commands as real processes (the built CLI), the inbox through a
// real pseudo-terminal.
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_LOG_FILE } from '../../src/relay/server/server.ts';
import type { ApproveAnswer } from '../../src/contract/relay-api.ts';
import { hkubectl } from '../helpers/run.ts';
import { terminal } from './inbox-terminal.ts';
import { useRelayWorld } from './use-world.ts';

const fixture = useRelayWorld();
const { envFor } = fixture;
const prodDelete = (pod: string) => ({ argv: ['delete', 'pod', pod, '-n', 'prod'], context: 'prod-eu', reason: `${pod} is wedged`, agent: 'claude' });

describe('hkubectl approvals (interactive inbox)', () => {
  it('shows requests as they arrive, records an approval with its justification, and notices answers given elsewhere', async () => {
    const agent = fixture.world.client(fixture.relay, 'agent-7');
    const first = await agent.submit(prodDelete('api-1')) as ApproveAnswer;
    const inbox = terminal(['approvals', '--watch'], envFor('alice'));
    await inbox.waitFor(/Pending approvals \(1\)[\s\S]*agent-7 \(claude\)\s+kubectl delete pod api-1 -n prod\s+ns:prod\s+risk \d+/);
    await inbox.waitFor(/reason\s+"api-1 is wedged"[\s\S]*risk\s+\d+\/100: /);

    let mark = inbox.mark();
    const second = await agent.submit(prodDelete('api-2')) as ApproveAnswer;
    await inbox.waitFor(/Pending approvals \(2\)[\s\S]*kubectl delete pod api-2 -n prod/, mark);

    inbox.term.write('\r');
    await inbox.waitFor(/Approve[\s\S]*Deny/);
    inbox.term.write('\r');
    mark = inbox.mark();
    await inbox.waitFor(/Why do you approve it\?/, mark);
    inbox.term.write('\r');
    await inbox.waitFor(/a justification is required/, mark);
    inbox.term.write('restart is safe, pod is wedged\r');
    await inbox.waitFor(/approved by alice: restart is safe, pod is wedged/, mark);
    expect(await agent.get(first.requestId)).toMatchObject({ status: 'approved', review: { by: { subject: 'alice' }, justification: 'restart is safe, pod is wedged' } });

    mark = inbox.mark();
    await inbox.waitFor(/Pending approvals \(1\)/, mark);
    mark = inbox.mark();
    const bob = await hkubectl(['deny', second.requestId, '--reason', 'not in the payment window'], { env: envFor('bob') });
    expect(bob.code).toBe(0);
    await inbox.waitFor(/No pending approval requests; waiting for new ones/, mark);
    inbox.term.write('\x03');
    inbox.term.kill();
    await inbox.exited;
  });
});

describe('hkubectl approve / deny / approvals status', () => {
  it('refuses a reviewer outside the approver groups with exit 77 and lets status report each state by exit code', async () => {
    const { requestId } = await fixture.world.client(fixture.relay, 'agent-7').submit(prodDelete('db-0')) as ApproveAnswer;
    const self = await hkubectl(['approve', requestId, '--reason', 'me'], { env: envFor('agent-7') });
    expect(self.code).toBe(77);
    expect(self.stderr.toString()).toMatch(/^hkubectl: agent-7 asked for request .* and cannot review it/);

    const pending = await hkubectl(['approvals', 'status', requestId], { env: envFor('agent-7') });
    expect(pending.code).toBe(75);
    expect(pending.stdout.toString()).toContain(`request ${requestId}: pending`);

    const waiting = hkubectl(['approvals', 'status', requestId, '--wait', '30s', '-o', 'json'], { env: envFor('agent-7') });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const approve = await hkubectl(['approve', requestId, '--reason', 'checked the replica count'], { env: envFor('bob') });
    expect({ code: approve.code, out: approve.stdout.toString() }).toEqual({ code: 0, out: `request ${requestId} approved by bob: checked the replica count\n` });
    const waited = await waiting;
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout.toString())).toMatchObject({ id: requestId, status: 'approved' });

    const again = await hkubectl(['deny', requestId, '--reason', 'too late'], { env: envFor('alice') });
    expect(again.code).toBe(77);
    expect(again.stderr.toString()).toMatch(/already approved by bob/);
  });

  it('fails closed with exit 75 naming the relay when it is unreachable', async () => {
    const result = await hkubectl(['approvals', '-o', 'json'], { env: { ...envFor('alice'), HKUBECTL_RELAY: 'http://127.0.0.1:9' } });
    expect(result.code).toBe(75);
    // -o json makes hkubectl's own message JSON too, as --hk-output json does.
    expect(JSON.parse(result.stderr.toString()).error).toMatchObject({ code: 'ERR_RELAY_UNREACHABLE', message: expect.stringMatching(/^cannot reach the policy relay at http:\/\/127\.0\.0\.1:9/), exitCode: 75 });
    const text = await hkubectl(['approvals'], { env: { ...envFor('alice'), HKUBECTL_RELAY: 'http://127.0.0.1:9' } });
    expect(text.code).toBe(75);
    expect(text.stderr.toString()).toMatch(/^hkubectl: cannot reach the policy relay at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('hkubectl audit', () => {
  it('prints the log and verifies the chain, then reports the first broken link', async () => {
    const dataDir = await fixture.world.dataDir();
    const own = await fixture.world.relay({ dataDir });
    await fixture.world.client(own, 'agent-7').submit({ argv: ['delete', 'namespace', 'payments'] });
    const log = await hkubectl(['audit', 'log', '--data', dataDir]);
    expect(log.code).toBe(0);
    expect(log.stdout.toString()).toMatch(/decision\s+DENY\s+agent-7: kubectl delete namespace payments\s+\[no-namespace-delete, risk \d+\]/);
    const json = await hkubectl(['audit', 'log', '--relay', own.url, '-o', 'json'], { env: envFor('alice') });
    expect(json.stdout.toString().trim().split('\n').map((line) => JSON.parse(line).type)).toEqual(['key-created', 'relay-start', 'decision']);

    const ok = await hkubectl(['audit', 'verify', '--data', dataDir]);
    expect({ code: ok.code, out: ok.stdout.toString() }).toMatchObject({ code: 0, out: expect.stringMatching(/3 entries, chain intact/) });
    await own.stop();
    await appendFile(join(dataDir, AUDIT_LOG_FILE), '{"v":1,"seq":4,');
    const broken = await hkubectl(['audit', 'verify', '--data', dataDir]);
    expect(broken.code).toBe(78);
    expect(broken.stderr.toString()).toMatch(/chain broken after 3 good entries: .*audit\.jsonl: line 4 has no newline/);
  });
});
