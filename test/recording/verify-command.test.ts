// `hkubectl verify` and `hkubectl audit sessions` as real processes (the built CLI) against the
// real relay and dev IdP on 127.0.0.1.
import { mkdtemp, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_LOG_FILE, type Relay } from '../../src/relay/server/server.ts';
import type { AllowAnswer } from '../../src/contract/relay-api.ts';
import { hkubectl } from '../helpers/run.ts';
import { startWorld, type Person, type World } from '../relay/fixtures.ts';
import { closeRecorded } from './verify-fixtures.ts';

let world: World;
let relay: Relay;
beforeAll(async () => {
  world = await startWorld();
  relay = await world.relay();
});
afterAll(async () => {
  await world?.close();
});

const envFor = (person: Person): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: world.configDirs[person], HKUBECTL_CONFIG_DIR: world.configDirs[person] });

describe('hkubectl verify', () => {
  it('verifies against the relay\'s JWKS URL and log, exits 0, and prints JSON with -o json', async () => {
    const dir = await mkdtemp(join(world.root, 'cli-'));
    const closed = await closeRecorded(world, relay, dir);
    const text = await hkubectl(['verify', dir, '--relay', relay.url], { env: envFor('alice') });
    expect(text.stderr.toString()).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout.toString()).toMatch(new RegExp(`^verified\\s+${closed.sessionId}  #\\d+  kubectl get pods -n dev  \\(agent-7, exit 0\\)\\n    evidence: local mode: not tamper-proof \\(the relay ran no gateway for it; the \\.cast is wrapper-reported\\)\\n1 session: 1 verified\\n1 of them in local mode: not tamper-proof\\n$`));
    const json = await hkubectl(['verify', closed.manifestPath, '--jwks', `${relay.url}/v1/jwks`, '-o', 'json'], { env: envFor('agent-7') });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout.toString())).toMatchObject([{ session: closed.sessionId, status: 'verified', problems: [] }]);
  });

  it('exits 1 and names what changed when a recording was tampered with', async () => {
    const dir = await mkdtemp(join(world.root, 'cli-'));
    const closed = await closeRecorded(world, relay, dir);
    const handle = await open(closed.castPath, 'r+');
    await handle.write('X', 300);
    await handle.close();
    await writeFile(join(dir, 'jwks.json'), JSON.stringify(relay.keys.jwks()));
    const result = await hkubectl(['verify', dir, '--audit-log', join(relay.dataDir, AUDIT_LOG_FILE)], { env: envFor('agent-7') });
    expect(result.code).toBe(1);
    expect(result.stdout.toString()).toMatch(new RegExp(`^TAMPERED\\s+${closed.sessionId} .*\\n    cast sha256 is [0-9a-f]{64}, the manifest says`));
    expect(result.stderr.toString()).toMatch(/^hkubectl: 1 of 1 sessions did not verify \(.*: tampered\)/);
  });
});

describe('hkubectl audit sessions', () => {
  it('lists a session that was allowed but never closed, from the relay and from its data directory', async () => {
    const own = await world.relay();
    const dir = await mkdtemp(join(world.root, 'cli-'));
    await closeRecorded(world, own, dir);
    const skipped = await world.client(own, 'agent-7').submit({ argv: ['get', 'secrets', '-n', 'dev'] }) as AllowAnswer;
    const fromRelay = await hkubectl(['audit', 'sessions', '--relay', own.url], { env: envFor('alice') });
    expect(fromRelay.code).toBe(0);
    const lines = fromRelay.stdout.toString().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`  ${skipped.sessionId}  agent-7: kubectl get secrets -n dev  \\[secrets-read-masked, risk \\d+\\]  UNCLOSED$`));
    const all = await hkubectl(['audit', 'sessions', '--state', 'all', '-o', 'json', '--relay', own.url], { env: envFor('alice') });
    expect(JSON.parse(all.stdout.toString()).map((s: { closed: boolean }) => s.closed)).toEqual([true, false]);
    await own.stop();
    const offline = await hkubectl(['audit', 'sessions', '--data', own.dataDir, '-o', 'json'], { env: envFor('alice') });
    expect(JSON.parse(offline.stdout.toString())).toMatchObject([{ sessionId: skipped.sessionId, closed: false, requester: { subject: 'agent-7' } }]);
    const notYet = await hkubectl(['audit', 'sessions', '--data', own.dataDir, '--older-than', '1h'], { env: envFor('alice') });
    expect([notYet.code, notYet.stdout.toString(), notYet.stderr.toString()]).toEqual([0, '', 'no unclosed sessions\n']);
  });

  it('refuses the list to someone outside the approver and auditor groups', async () => {
    const result = await hkubectl(['audit', 'sessions', '--relay', relay.url], { env: envFor('agent-7') });
    expect(result.code).toBe(77);
    expect(result.stderr.toString()).toMatch(/^hkubectl: agent-7 is in none of the approver or auditor groups/);
  });
});
