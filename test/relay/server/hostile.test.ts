// What the relay must survive: bad bodies, bad tokens, restarts and a damaged audit log.
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, decodeProtectedHeader } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type DevIdp } from '../../../src/auth/dev-idp.ts';
import { createTokenVerifier } from '../../../src/auth/verify-token.ts';
import { scanAuditLog } from '../../../src/relay/server/store/audit-scan.ts';
import { AUDIT_LOG_FILE, startRelay } from '../../../src/relay/server/server.ts';
import { defaultPolicy } from '../../../src/policy/index.ts';
import type { ApproveAnswer } from '../../../src/contract/relay-api.ts';
import { waitForAnswer } from '../../../src/relay/client/wait.ts';
import { startWorld, tokenFor, type World } from '../fixtures.ts';

let world: World;
let shortLived: DevIdp;
beforeAll(async () => {
  world = await startWorld();
  shortLived = await startDevIdp({ pollInterval: 0.1, ttl: { idToken: 1 } });
});
afterAll(async () => {
  await shortLived?.stop();
  await world?.close();
});

const prodDelete = { argv: ['delete', 'pod', 'api-1', '-n', 'prod'], context: 'prod-eu', reason: 'wedged' };

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const answer = await request(`${url}/v1/decisions`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: answer.statusCode, body: await answer.body.json() as { error: { code: string; message: string; reason?: string } } };
}

describe('bad requests', () => {
  it('answers malformed JSON with 400 and a huge body with 413, and logs nothing for either', async () => {
    const relay = await world.relay();
    const auth = { authorization: `Bearer ${world.tokens['agent-7']}` };
    const before = relay.log!.head().seq;
    const malformed = await post(relay.url, '{"argv": [', auth);
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'ERR_MALFORMED_JSON' } } });
    const huge = await post(relay.url, Buffer.alloc(1024 * 1024, 'a'), auth);
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'ERR_BODY_TOO_LARGE' } } });
    const wrongShape = await post(relay.url, JSON.stringify({ argv: 'get pods' }), auth);
    expect(wrongShape).toMatchObject({ status: 400, body: { error: { code: 'ERR_INVALID_BODY' } } });
    expect(wrongShape.body.error.message).toContain('"argv"');
    expect(relay.log!.head().seq).toBe(before);
  });

  it('answers calls without a token with 401', async () => {
    const relay = await world.relay();
    const answer = await post(relay.url, JSON.stringify({ argv: ['get', 'pods'] }));
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'ERR_UNAUTHENTICATED', reason: 'missing' } } });
    await expect(world.client(relay).list()).rejects.toMatchObject({ status: 401, exitCode: 78 });
  });

  it('rejects forged, alg:none, wrong-audience and expired tokens with 401 and the reason', async () => {
    const verifier = createTokenVerifier({
      issuers: [{ issuer: world.idp.issuer, audience: world.idp.clientId }, { issuer: shortLived.issuer, audience: shortLived.clientId }],
      clockToleranceSec: 0,
    });
    const relay = await world.relay({ verifier });
    const realKid = decodeProtectedHeader(world.tokens['agent-7']).kid!;
    const { privateKey } = await generateKeyPair('RS256');
    const claims = { iss: world.idp.issuer, aud: world.idp.clientId, sub: 'alice', groups: ['approvers'] };
    const forgedWithTheirKid = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: realKid }).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    const forgedWithOwnKid = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'attacker' }).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    const wrongAudience = await tokenFor(world.idp, world.root, 'agent-7', 'https://other-service.example');
    const expiring = await tokenFor(shortLived, world.root, 'agent-7');
    await new Promise((resolve) => setTimeout(resolve, 2100));

    const cases: Array<[string, string]> = [
      [forgedWithTheirKid, 'bad_signature'], [forgedWithOwnKid, 'unknown_key'], [algNone, 'alg_not_allowed'],
      [wrongAudience, 'wrong_audience'], [expiring, 'expired'], ['not-a-jwt', 'malformed'],
    ];
    for (const [token, reason] of cases) {
      const answer = await post(relay.url, JSON.stringify({ argv: ['get', 'pods'] }), { authorization: `Bearer ${token}` });
      expect({ status: answer.status, reason: answer.body.error.reason }).toEqual({ status: 401, reason });
      expect(answer.body.error.message).toMatch(/^token rejected: /);
    }
    expect(JSON.stringify(await readFile(join(relay.dataDir, AUDIT_LOG_FILE), 'utf8'))).not.toContain('"decision"');
  });
});

describe('restarts and crashes', () => {
  it('keeps a pending approval across a restart and delivers the answer to the agent that kept waiting', async () => {
    const dataDir = await world.dataDir();
    const first = await world.relay({ dataDir });
    const port = Number(new URL(first.url).port);
    const agent = world.client(first, 'agent-7');
    const { requestId } = await agent.submit(prodDelete) as ApproveAnswer;
    const retries: unknown[] = [];
    const waiting = waitForAnswer(agent, requestId, { timeoutMs: 30_000, retryMs: 50, onRetry: (error) => retries.push(error) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.stop();

    const second = await world.relay({ dataDir, listen: { host: '127.0.0.1', port } });
    const pending = await world.client(second, 'alice').list();
    expect(pending.requests.map((request) => request.id)).toEqual([requestId]);
    await world.client(second, 'alice').review(requestId, 'approve', 'after the restart');
    expect(await waiting).toMatchObject({ id: requestId, status: 'approved', review: { by: { subject: 'alice' } } });
    expect(retries.length).toBeGreaterThan(0);
    expect(await agent.submit(prodDelete)).toMatchObject({ decision: 'allow', requestId });
  });

  it('refuses to start on a torn last log line, and with --repair-log cuts it off and says so in the log', async () => {
    const dataDir = await world.dataDir();
    const relay = await world.relay({ dataDir });
    const { requestId } = await world.client(relay, 'agent-7').submit(prodDelete) as ApproveAnswer;
    await relay.stop();
    const file = join(dataDir, AUDIT_LOG_FILE);
    const torn = '{"v":1,"seq":9,"ts":"2026-';
    await appendFile(file, torn);

    const options = { dataDir, policy: defaultPolicy(), verifier: world.verifier };
    await expect(startRelay(options)).rejects.toMatchObject({
      code: 'ERR_AUDIT_LOG_TORN', exitCode: 78, message: expect.stringMatching(/audit\.jsonl: line 4 has no newline/),
    });
    const repaired = await world.relay({ dataDir, repairLog: true });
    const repair = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line)).find((entry) => entry.type === 'repair');
    expect(repair).toMatchObject({ truncatedBytes: torn.length, reason: expect.stringContaining('no newline') });
    expect(repaired.state.requests.get(requestId)?.status).toBe('pending');
    expect((await scanAuditLog(file)).broken).toBeNull();
  });

  it('refuses to start, even with --repair-log, when a line before the last was altered', async () => {
    const dataDir = await world.dataDir();
    const relay = await world.relay({ dataDir });
    await world.client(relay, 'agent-7').submit({ argv: ['get', 'pods', '-n', 'dev'] });
    await world.client(relay, 'agent-7').submit({ argv: ['get', 'pods', '-n', 'qa'] });
    await relay.stop();
    const file = join(dataDir, AUDIT_LOG_FILE);
    await writeFile(file, (await readFile(file, 'utf8')).replace('"namespace":"dev"', '"namespace":"dev2"'));
    await expect(startRelay({ dataDir, policy: defaultPolicy(), verifier: world.verifier, repairLog: true })).rejects.toMatchObject({
      code: 'ERR_AUDIT_LOG_BROKEN', message: expect.stringMatching(/line 3 \(seq 3\) its content does not match its hash/),
    });
  });

  it('refuses a second relay on the same data directory', async () => {
    const dataDir = await world.dataDir();
    await world.relay({ dataDir });
    await expect(startRelay({ dataDir, policy: defaultPolicy(), verifier: world.verifier })).rejects.toMatchObject({ code: 'ERR_RELAY_DATA_LOCKED' });
  });
});
