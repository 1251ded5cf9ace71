// `hkubectl demo --store postgres://… --relays 2`: the demo's story with the agent on one relay
// and the approver on the other, both on a throwaway PostgreSQL database; then the database's
// chain verified straight from it by an auditor.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/postgres.ts';
import { hkubectl } from '../helpers/run.ts';

let cluster: TestCluster;
let work: string;
beforeAll(async () => {
  cluster = await startTestCluster();
  work = await mkdtemp(join(tmpdir(), 'hk-demo-pg-'));
});
afterAll(async () => {
  cluster?.remove();
  await rm(work, { recursive: true, force: true });
});

describe('hkubectl demo on PostgreSQL with two relays', () => {
  it('runs the story with every approval crossing relays, and leaves one intact chain in the database', async () => {
    const url = await cluster.createDatabase(`demo_${process.pid}`);
    const env = { PATH: process.env.PATH, HOME: work, TMPDIR: work, HKUBECTL_RELAY_KEYS_SECRET: 'the demo test secret, at least thirty-two characters' };
    const demo = await hkubectl(['demo', '--store', url, '--relays', '2', '--dir', join(work, 'recordings')], { cwd: work, env, timeoutMs: 150_000 });
    expect(demo.stderr.toString()).toBe('');
    expect(demo.code).toBe(0);
    const story = demo.stdout.toString();
    expect(story).toMatch(/agent-7 talks to https:\/\/127\.0\.0\.1:(\d+), alice to https:\/\/127\.0\.0\.1:(?!\1)\d+: each approval crosses relays/);
    expect(story).toMatch(/store postgres:\/\/hk@127\.0\.0\.1:\d+\/demo_/);
    expect(story).toMatch(/all \d+ sessions verified/);
    const verified = await hkubectl(['audit', 'verify', '--store', url], { env, timeoutMs: 60_000 });
    expect(verified.code).toBe(0);
    expect(verified.stdout.toString()).toMatch(/chain intact/);
  }, 180_000);

  it('refuses --relays 2 without a database to share', async () => {
    const refused = await hkubectl(['demo', '--relays', '2'], { cwd: work, env: { PATH: process.env.PATH, HOME: work, TMPDIR: work }, timeoutMs: 30_000 });
    expect(refused.code).toBe(64);
    expect(refused.stderr.toString()).toMatch(/--relays 2 needs --store postgres/);
  });
});
