// The relay's edges against a client that means harm but holds a valid token: bodies nested to
// blow the stack, bodies dripped a byte at a time, query strings that do not parse, and more
// sessions in a day than the relay allows one identity.
import { request as httpRequest } from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines } from '../session-fixtures.ts';
import { startWorld, type World } from '../fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});


type Answer = { status: number; body: { error?: { code: string; message: string; reason?: string } } & Record<string, unknown> };

async function call(url: string, method: string, path: string, token: string | null, body?: string | Buffer, type = 'application/json'): Promise<Answer> {
  const answer = await request(`${url}${path}`, {
    method: method as 'GET', ...(body === undefined ? {} : { body }),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': type }) },
  });
  return { status: answer.statusCode, body: await answer.body.json() as Answer['body'] };
}

/** Sends `total` bytes of a body one at a time, `everyMs` apart, and resolves with the relay's answer. */
function drip(url: string, method: string, path: string, token: string, total: number, everyMs: number, type = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const req = httpRequest(target, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type, 'content-length': String(total) } }, (res) => {
      clearInterval(timer);
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'] });
      });
    });
    req.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < total - 1) req.write(sent === 0 ? '{' : ' ');
      sent += 1;
    }, everyMs);
  });
}

describe('deeply nested JSON', () => {
  it('answers 400 to 5,000 levels of arrays or objects in any field, and logs nothing', async () => {
    const relay = await world.relay();
    const before = relay.log!.head().seq;
    const token = world.tokens['agent-7'];
    const arrays = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const objects = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const bodies = [
      arrays, objects, `{"argv":["get","pods"],"intent":${objects}}`, `{"argv":${arrays}}`,
      // Brackets inside strings are text, not nesting: this one is only refused for its shape.
    ];
    for (const body of bodies) {
      const answer = await call(relay.url, 'POST', '/v1/decisions', token, body);
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'ERR_JSON_TOO_DEEP' } } });
    }
    const review = await call(relay.url, 'POST', '/v1/requests/R1/review', world.tokens.alice, arrays);
    expect(review).toMatchObject({ status: 400, body: { error: { code: 'ERR_JSON_TOO_DEEP' } } });
    const close = await call(relay.url, 'POST', '/v1/sessions/S1/close', token, `{"draft":${objects}}`);
    expect(close).toMatchObject({ status: 400, body: { error: { code: 'ERR_JSON_TOO_DEEP' } } });
    const inString = await call(relay.url, 'POST', '/v1/decisions', token, JSON.stringify({ argv: ['get', 'pods', '-l', `app=${'['.repeat(5_000)}`] }));
    expect(inString.status).toBe(200);
    expect(relay.log!.head().seq).toBe(before + 1);
  });
});

describe('slow bodies', () => {
  it('cuts off a JSON body that stops arriving with 408 (idle), and one dripped past its deadline with 408 (deadline)', async () => {
    const token = world.tokens['agent-7'];
    const idle = await world.relay({ limits: { bodyIdleMs: 300, bodyDeadlineMs: 60_000 } });
    expect(await drip(idle.url, 'POST', '/v1/decisions', token, 64, 1_500)).toMatchObject({ status: 408, body: { error: { code: 'ERR_BODY_TIMEOUT', reason: 'idle' } } });
    const deadline = await world.relay({ limits: { bodyIdleMs: 60_000, bodyDeadlineMs: 400 } });
    expect(await drip(deadline.url, 'POST', '/v1/decisions', token, 10_000, 50)).toMatchObject({ status: 408, body: { error: { code: 'ERR_BODY_TIMEOUT', reason: 'deadline' } } });
    expect(await drip(deadline.url, 'POST', '/v1/requests/R1/review', world.tokens.alice, 10_000, 50)).toMatchObject({ status: 408 });
    // The relay still answers everyone else.
    expect((await call(deadline.url, 'POST', '/v1/decisions', token, JSON.stringify({ argv: ['get', 'pods'] }))).status).toBe(200);
  });

  it('cuts off a recording upload that drips, keeping no copy', async () => {
    const relay = await world.relay({ limits: { bodyIdleMs: 300, uploadDeadlineMs: 60_000 } });
    const token = world.tokens['agent-7'];
    const allow = await call(relay.url, 'POST', '/v1/decisions', token, JSON.stringify({ argv: ['get', 'pods', '-n', 'dev'] }));
    const sessionId = allow.body.sessionId as string;
    const answer = await drip(relay.url, 'PUT', `/v1/sessions/${sessionId}/cast`, token, 1_000, 1_500, 'application/octet-stream');
    expect(answer).toMatchObject({ status: 408, body: { error: { code: 'ERR_BODY_TIMEOUT', reason: 'idle' } } });
    expect(relay.state.sessions.get(sessionId)!.upload).toBeNull();
  });
});

describe('query parameters', () => {
  it('answers 400 naming the parameter for every value that does not parse, on every route', async () => {
    const relay = await world.relay();
    const alice = world.tokens.alice;
    const agent = world.tokens['agent-7'];
    const allow = await call(relay.url, 'POST', '/v1/decisions', agent, JSON.stringify({ argv: ['get', 'pods', '-n', 'dev'] }));
    const session = allow.body.sessionId as string;
    const cases: Array<[string, string, string]> = [
      ['/v1/audit?since=garbage', 'since', alice],
      ['/v1/audit?since=1', 'since', alice],
      ['/v1/audit?since=2026-13-45T99:00:00Z', 'since', alice],
      ['/v1/audit?limit=ten', 'limit', alice],
      ['/v1/audit?limit=0', 'limit', alice],
      ['/v1/audit?limit=-5', 'limit', alice],
      ['/v1/audit?limit=1e3', 'limit', alice],
      ['/v1/audit?fromSeq=x', 'fromSeq', alice],
      ['/v1/audit?toSeq=-1', 'toSeq', alice],
      ['/v1/audit?toSeq=1.5', 'toSeq', alice],
      ['/v1/audit?limit=5&limit=6', 'limit', alice],
      ['/v1/audit?colour=blue', 'colour', alice],
      ['/v1/requests?status=everything', 'status', alice],
      ['/v1/requests?since=yesterday', 'since', alice],
      ['/v1/requests?timeout=soon', 'timeout', alice],
      ['/v1/requests/R1/wait?timeout=NaN', 'timeout', agent],
      ['/v1/requests/R1?x=1', 'x', agent],
      ['/v1/sessions?state=open', 'state', alice],
      ['/v1/sessions?limit=all', 'limit', alice],
      [`/v1/sessions/${session}/manifest?format=xml`, 'format', alice],
      ['/v1/health?verbose=1', 'verbose', agent],
    ];
    for (const [path, parameter, token] of cases) {
      const answer = await call(relay.url, 'GET', path, token);
      expect({ path, status: answer.status, code: answer.body.error?.code }).toEqual({ path, status: 400, code: 'ERR_INVALID_QUERY' });
      expect(answer.body.error!.message).toContain(`"${parameter}"`);
    }
    const good = await call(relay.url, 'GET', `/v1/audit?since=${encodeURIComponent('2026-01-01T00:00:00Z')}&limit=5&fromSeq=1&toSeq=3`, alice);
    expect(good.status).toBe(200);
    expect((good.body.entries as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('daily quotas', () => {
  it('refuses the session past the identity\'s daily count with 429 and logs it; others keep working, denials do not count', async () => {
    const relay = await world.relay({ limits: { sessionsPerDay: 2 } });
    const agent = world.tokens['agent-7'];
    const read = JSON.stringify({ argv: ['get', 'pods', '-n', 'dev'] });
    expect((await call(relay.url, 'POST', '/v1/decisions', agent, read)).status).toBe(200);
    expect((await call(relay.url, 'POST', '/v1/decisions', agent, JSON.stringify({ argv: ['delete', 'ns', 'prod'] }))).body).toMatchObject({ decision: 'deny' });
    expect((await call(relay.url, 'POST', '/v1/decisions', agent, read)).status).toBe(200);
    const third = await request(`${relay.url}/v1/decisions`, { method: 'POST', body: read, headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' } });
    expect(third.statusCode).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    const body = await third.body.json() as Answer['body'];
    expect(body.error).toMatchObject({ code: 'ERR_QUOTA_EXCEEDED', reason: 'sessions-per-day' });
    expect(body.error!.message).toMatch(/used 2 of 2 sessions/);
    expect((await call(relay.url, 'POST', '/v1/decisions', world.tokens.bob, read)).status).toBe(200);
    expect((await call(relay.url, 'POST', '/v1/decisions', agent, read)).status).toBe(429);
    const entries = await logLines(relay.dataDir);
    expect(entries.filter((entry) => entry.type === 'quota.exceeded')).toHaveLength(1);
    expect(entries.filter((entry) => entry.type === 'decision' && entry.sessionId && entry.requester.subject === 'agent-7')).toHaveLength(2);
    expect(entries.find((entry) => entry.type === 'quota.exceeded')).toMatchObject({ by: { subject: 'agent-7' }, quota: 'sessions-per-day', limit: 2, used: 2, command: 'kubectl get pods -n dev' });
  });

  it('remembers the day\'s count across a restart (it comes from the log)', async () => {
    const dataDir = await world.dataDir();
    const first = await world.relay({ dataDir, limits: { sessionsPerDay: 1 } });
    const agent = world.tokens['agent-7'];
    const read = JSON.stringify({ argv: ['get', 'pods', '-n', 'dev'] });
    expect((await call(first.url, 'POST', '/v1/decisions', agent, read)).status).toBe(200);
    await first.stop();
    const second = await world.relay({ dataDir, limits: { sessionsPerDay: 1 } });
    expect((await call(second.url, 'POST', '/v1/decisions', agent, read)).status).toBe(429);
  });
});
