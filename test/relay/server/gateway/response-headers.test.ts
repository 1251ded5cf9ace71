// What of the cluster's response headers reaches the agent through the gateway: the fixed forms
// the API server writes, and `Warning` masked like the body (admission webhooks write what they
// saw there); nothing else.
import { describe, expect, it } from 'vitest';
import { closeSession, grantFor, viaGateway } from './fake-upstream.ts';
import { useFakeClusterRelay } from './use-fake-cluster.ts';

const AWS_KEY = 'ASIA0189ZQXW4KLM2NPR';
const GITLAB = 'glpat-Zq8Xw3Lm2Kp9Rt4Vb7Nc';

const fake = useFakeClusterRelay((_req, res) => {
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

describe('the gateway\'s response headers', () => {
  it('masks a credential in the cluster\'s Warning header and passes no header it does not know', async () => {
    const answer = await grantFor(fake.world, fake.relay, ['get', 'pods', '-n', 'prod']);
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
    expect(fake.cluster.seen).toEqual(['GET /api/v1/namespaces/prod/pods']);
    await closeSession(fake.world, fake.relay, answer.sessionId, answer.mask);
  });
});
