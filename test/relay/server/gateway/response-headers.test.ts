// What of the cluster's response headers reaches the agent through the gateway: the fixed forms
// the API server writes, and `Warning` masked like the body (admission webhooks write what they
// saw there); nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../../src/relay/server/server.ts';
import { startWorld, type World } from '../../fixtures.ts';
import { brokering, closeSession, grantFor, startFakeCluster, viaGateway, type FakeCluster } from './fake-upstream.ts';

const AWS_KEY = 'ASIA0189ZQXW4KLM2NPR';
const GITLAB = 'glpat-Zq8Xw3Lm2Kp9Rt4Vb7Nc';

let world: World;
let cluster: FakeCluster;
let relay: Relay;
beforeAll(async () => {
  world = await startWorld();
  cluster = await startFakeCluster((_req, res) => {
    // Two Warning headers, as the API server writes one per warning.
    res.setHeader('warning', [`299 - "webhook saw env AWS_ACCESS_KEY_ID=${AWS_KEY}"`, `299 - "token ${GITLAB} is deprecated"`]);
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-webhook-debug': `password=${GITLAB}`,
      'set-cookie': `session=${GITLAB}`,
      'audit-id': '0f6c1a52-6b3c-4c39-9c8b-1f1d2c3b4a59',
    });
    res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] }));
  });
  relay = await world.relay(brokering(cluster));
});
afterAll(async () => {
  await world?.close();
  await cluster?.close();
});

describe('the gateway\'s response headers', () => {
  it('masks a credential in the cluster\'s Warning header and passes no header it does not know', async () => {
    const answer = await grantFor(world, relay, ['get', 'pods', '-n', 'prod']);
    const response = await viaGateway(answer.gateway, '/api/v1/namespaces/prod/pods');
    expect(response.status).toBe(200);
    await response.text();
    const warning = response.headers.get('warning') ?? '';
    expect(warning).toContain('299 - "webhook saw env AWS_ACCESS_KEY_ID=');
    expect(warning).toContain('[MASKED:');
    expect(warning).not.toContain(AWS_KEY);
    expect(warning).not.toContain(GITLAB);
    expect(response.headers.get('x-webhook-debug')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('audit-id')).toBe('0f6c1a52-6b3c-4c39-9c8b-1f1d2c3b4a59');
    expect(cluster.seen).toEqual(['GET /api/v1/namespaces/prod/pods']);
    await closeSession(world, relay, answer.sessionId, answer.mask);
  });
});
