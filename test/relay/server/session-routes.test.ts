// Session endpoints end to end: real dev IdP tokens, the real relay on 127.0.0.1, real files.
import { createPublicKey, verify as verifySignature, type JsonWebKeyInput } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/contract/audit-chain.ts';
import { INLINE_CAST_MAX_BYTES, type AllowAnswer, type ApproveAnswer } from '../../../src/contract/relay-api.ts';
import { startWorld, type World } from '../fixtures.ts';
import { record, logLines, payloadOf } from '../session-fixtures.ts';

let world: World;
let castDir: string;
beforeAll(async () => {
  world = await startWorld();
  castDir = await mkdtemp(join(world.root, 'casts-'));
});
afterAll(async () => {
  await world?.close();
});


async function allowed(relay: Parameters<World['client']>[0], argv = ['get', 'pods', '-n', 'dev']): Promise<string> {
  const answer = await world.client(relay, 'agent-7').submit({ argv, reason: 'check the rollout', agent: 'claude', runId: 'run-1' });
  expect(answer.decision).toBe('allow');
  return (answer as AllowAnswer).sessionId;
}

describe('closing a session', () => {
  it('streams a multi-megabyte recording to the relay, signs a manifest that names its audit-log entry, and keeps both copies', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const sessionId = await allowed(relay);
    const cast = record(castDir, sessionId, 6 * 1024 * 1024);
    expect(cast.draft.cast!.size).toBeGreaterThan(6 * 1024 * 1024);

    const uploaded = await agent.uploadCast(sessionId, cast.open(), cast.draft.cast!.size);
    expect(uploaded).toEqual({ sessionId, sha256: cast.draft.cast!.sha256, size: cast.draft.cast!.size });
    const copy = join(relay.dataDir, 'sessions', `${sessionId}.cast`);
    expect((await stat(copy)).mode & 0o777).toBe(0o600);
    expect(sha256Hex(await readFile(copy))).toBe(cast.draft.cast!.sha256);

    const { manifest, alreadyClosed } = await agent.closeSession(sessionId, cast.draft);
    expect(alreadyClosed).toBe(false);
    const payload = payloadOf(manifest);
    expect(payload).toMatchObject({
      hk: 1, session: sessionId, identity: { subject: 'agent-7', groups: ['agents'] },
      command: { argv: ['get', 'pods', '-n', 'dev'], verb: 'get', namespace: 'dev' },
      decision: { decision: 'allow', rule: 'reads', mask: 'standard', record: true },
      approval: null, reason: 'check the rollout', agent: 'claude', runId: 'run-1',
      cast: cast.draft.cast, exitCode: 0, signal: null, terminal: false, masking: cast.draft.masking, relayCopy: true,
    });
    const entries = await logLines(relay.dataDir);
    const closed = entries.find((entry) => entry.type === 'session.closed')!;
    expect(closed).toMatchObject({ seq: payload.chain.seq, sessionId, manifestSha256: sha256Hex(Buffer.from(manifest.payload, 'base64url')), relayCopy: true });
    expect(entries.find((entry) => entry.seq === payload.chain.seq - 1)!.hash).toBe(payload.chain.prev);
    expect(entries.find((entry) => entry.type === 'session.cast')).toMatchObject({ sessionId, size: cast.draft.cast!.size });
    expect(JSON.parse(await readFile(join(relay.dataDir, 'sessions', `${sessionId}.manifest.json`), 'utf8'))).toEqual(manifest);
  });

  it('signs a manifest that Node\'s own crypto verifies against the published JWK (no jose involved)', async () => {
    const relay = await world.relay();
    const sessionId = await allowed(relay);
    const cast = record(castDir, sessionId);
    const { manifest } = await world.client(relay, 'agent-7').closeSession(sessionId, cast.draft);
    const header = JSON.parse(Buffer.from(manifest.protected, 'base64url').toString('utf8'));
    expect(header).toEqual({ alg: 'EdDSA', kid: relay.keys.kid(), typ: 'hk-manifest+json' });
    const jwk = (await world.client(relay).jwks()).keys.find((key) => key.kid === header.kid)!;
    const key = createPublicKey({ key: jwk as JsonWebKeyInput['key'], format: 'jwk' });
    const signed = Buffer.from(`${manifest.protected}.${manifest.payload}`);
    expect(verifySignature(null, signed, key, Buffer.from(manifest.signature, 'base64url'))).toBe(true);
    const altered = Buffer.from(`${manifest.protected}.${manifest.payload.slice(0, -2)}AA`);
    expect(verifySignature(null, altered, key, Buffer.from(manifest.signature, 'base64url'))).toBe(false);
    expect(payloadOf(manifest).relayCopy).toBe(false);
  });

  it('fills in the approval that allowed the session: approver and justification', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const command = { argv: ['delete', 'pod', 'api-1', '-n', 'prod'], reason: 'pod is wedged' };
    const { requestId } = await agent.submit(command) as ApproveAnswer;
    await world.client(relay, 'alice').review(requestId, 'approve', 'wedged pod, restart is safe');
    const allow = await agent.submit(command) as AllowAnswer;
    const { manifest } = await agent.closeSession(allow.sessionId, record(castDir, allow.sessionId).draft);
    expect(payloadOf(manifest).approval).toMatchObject({
      requestId, approver: { subject: 'alice', email: 'alice@bank.example' }, justification: 'wedged pod, restart is safe',
    });
  });

  it('answers a second close with 409 and the manifest it signed the first time', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const sessionId = await allowed(relay);
    const { draft } = record(castDir, sessionId);
    const first = await agent.closeSession(sessionId, draft);
    const raw = await request(`${relay.url}/v1/sessions/${sessionId}/close`, {
      method: 'POST', headers: { authorization: `Bearer ${world.tokens['agent-7']}`, 'content-type': 'application/json' }, body: JSON.stringify({ draft }),
    });
    expect(raw.statusCode).toBe(409);
    expect(await raw.body.json()).toMatchObject({ error: { code: 'ERR_SESSION_CLOSED' }, manifest: first.manifest });
    expect(await agent.closeSession(sessionId, draft)).toEqual({ manifest: first.manifest, alreadyClosed: true });
    await expect(agent.uploadCast(sessionId, Readable.from([Buffer.from('x')]), 1)).rejects.toMatchObject({ status: 409, code: 'ERR_SESSION_CLOSED' });
    expect((await logLines(relay.dataDir)).filter((entry) => entry.type === 'session.closed')).toHaveLength(1);
  });

  it('refuses another identity (403), an unknown session (404) and a draft the uploaded copy contradicts (409)', async () => {
    const relay = await world.relay();
    const sessionId = await allowed(relay);
    const cast = record(castDir, sessionId);
    const alice = world.client(relay, 'alice');
    await expect(alice.uploadCast(sessionId, cast.open(), cast.draft.cast!.size)).rejects.toMatchObject({ status: 403, code: 'ERR_NOT_YOUR_SESSION' });
    await expect(alice.closeSession(sessionId, cast.draft)).rejects.toMatchObject({ status: 403, code: 'ERR_NOT_YOUR_SESSION' });
    const agent = world.client(relay, 'agent-7');
    await expect(agent.closeSession('no-such-session', { ...cast.draft, session: 'no-such-session', cast: null })).rejects.toMatchObject({ status: 404, code: 'ERR_NO_SUCH_SESSION' });
    await expect(agent.closeSession(sessionId, { ...cast.draft, hk: 2 as 1 })).rejects.toMatchObject({ code: 'ERR_INVALID_DRAFT', message: expect.stringMatching(/version 2 is not supported/) });

    await agent.uploadCast(sessionId, cast.open(), cast.draft.cast!.size);
    const lying = { ...cast.draft, cast: { ...cast.draft.cast!, sha256: 'ab'.repeat(32) } };
    await expect(agent.closeSession(sessionId, lying)).rejects.toMatchObject({ status: 409, code: 'ERR_CAST_MISMATCH', message: expect.stringMatching(/sha256/) });
    expect((await logLines(relay.dataDir)).filter((entry) => entry.type === 'session.closed')).toHaveLength(0);
  });
});

describe('closing with the recording inside the close request', () => {
  // record() refuses to overwrite a .cast: another recording of the same session gets its own directory.
  const recordAgain = async (sessionId: string, outputBytes: number) => record(await mkdtemp(join(castDir, 'again-')), sessionId, outputBytes);

  it('keeps a small recording sent with the close as its own copy, in one round trip', async () => {
    const relay = await world.relay();
    const sessionId = await allowed(relay);
    const cast = record(castDir, sessionId, 20_000);
    const { manifest } = await world.client(relay, 'agent-7').closeSession(sessionId, cast.draft, await readFile(cast.path));
    expect(payloadOf(manifest)).toMatchObject({ cast: cast.draft.cast, relayCopy: true });
    expect(sha256Hex(await readFile(join(relay.dataDir, 'sessions', `${sessionId}.cast`)))).toBe(cast.draft.cast!.sha256);
    const entries = await logLines(relay.dataDir);
    const kept = entries.find((entry) => entry.type === 'session.cast' && entry.sessionId === sessionId)!;
    expect(kept).toMatchObject({ sha256: cast.draft.cast!.sha256, size: cast.draft.cast!.size });
    expect(entries.find((entry) => entry.type === 'session.closed' && entry.sessionId === sessionId)!.seq).toBe(kept.seq + 1);
  });

  it('refuses a recording the draft does not describe (409), one not in base64 (400) and one past the inline limit (413), keeping nothing', async () => {
    const relay = await world.relay();
    const sessionId = await allowed(relay);
    const cast = record(castDir, sessionId);
    const agent = world.client(relay, 'agent-7');
    const bytes = await readFile(cast.path);
    const altered = Buffer.from(bytes);
    altered.writeUInt8(altered.readUInt8(altered.length - 3) ^ 1, altered.length - 3);
    await expect(agent.closeSession(sessionId, cast.draft, altered)).rejects.toMatchObject({ status: 409, code: 'ERR_CAST_MISMATCH' });
    await expect(agent.closeSession(sessionId, { ...cast.draft, cast: null }, bytes)).rejects.toMatchObject({ status: 409, code: 'ERR_CAST_MISMATCH' });
    const notBase64 = await request(`${relay.url}/v1/sessions/${sessionId}/close`, {
      method: 'POST', headers: { authorization: `Bearer ${world.tokens['agent-7']}`, 'content-type': 'application/json' }, body: JSON.stringify({ draft: cast.draft, cast: '{"not":"base64"}' }),
    });
    expect(notBase64.statusCode).toBe(400);
    expect(await notBase64.body.json()).toMatchObject({ error: { code: 'ERR_INVALID_CAST' } });
    const big = await recordAgain(sessionId, 100 * 1024);
    expect(big.draft.cast!.size).toBeGreaterThan(INLINE_CAST_MAX_BYTES);
    await expect(agent.closeSession(sessionId, big.draft, await readFile(big.path))).rejects.toMatchObject({ code: 'ERR_CAST_TOO_LARGE' });
    await expect(stat(join(relay.dataDir, 'sessions', `${sessionId}.cast`))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await logLines(relay.dataDir)).filter((entry) => entry.sessionId === sessionId && entry.type !== 'decision')).toEqual([]);
  });

  it('holds an inline recording to the relay\'s own cap as well', async () => {
    const relay = await world.relay({ maxCastBytes: 1024 });
    const sessionId = await allowed(relay);
    const cast = record(castDir, sessionId, 4_000);
    await expect(world.client(relay, 'agent-7').closeSession(sessionId, cast.draft, await readFile(cast.path))).rejects.toMatchObject({ code: 'ERR_CAST_TOO_LARGE' });
  });

  it('signs a retried close whose first try kept the recording, and refuses one that would replace it', async () => {
    const relay = await world.relay();
    const sessionId = await allowed(relay);
    const cast = record(castDir, sessionId);
    const agent = world.client(relay, 'agent-7');
    await agent.uploadCast(sessionId, cast.open(), cast.draft.cast!.size);
    const other = await recordAgain(sessionId, 3_000);
    await expect(agent.closeSession(sessionId, other.draft, await readFile(other.path))).rejects.toMatchObject({ status: 409, code: 'ERR_CAST_MISMATCH' });
    const again = await recordAgain(sessionId, 2_000);
    const { manifest } = await agent.closeSession(sessionId, again.draft, await readFile(again.path));
    expect(payloadOf(manifest)).toMatchObject({ cast: again.draft.cast, relayCopy: true });
    expect((await logLines(relay.dataDir)).filter((entry) => entry.type === 'session.cast' && entry.sessionId === sessionId)).toHaveLength(1);
  });
});

describe('upload cap', () => {
  it('refuses a recording larger than the cap with 413 and keeps no partial copy', async () => {
    const relay = await world.relay({ maxCastBytes: 64 * 1024 });
    const agent = world.client(relay, 'agent-7');
    const sessionId = await allowed(relay);
    const cast = record(castDir, sessionId, 1024 * 1024);
    await expect(agent.uploadCast(sessionId, cast.open(), cast.draft.cast!.size)).rejects.toMatchObject({ code: 'ERR_CAST_TOO_LARGE' });
    // Without a declared length the relay stops reading at the cap.
    const chunked = await request(`${relay.url}/v1/sessions/${sessionId}/cast`, {
      method: 'PUT', headers: { authorization: `Bearer ${world.tokens['agent-7']}`, 'content-type': 'application/octet-stream' },
      body: Readable.from((async function* () { for (let i = 0; i < 32; i += 1) yield Buffer.alloc(16 * 1024, 0x61); })()),
    }).then((answer) => answer.statusCode, (error: Error) => error);
    expect(chunked).toBe(413);
    await expect(stat(join(relay.dataDir, 'sessions', `${sessionId}.cast`))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await readdir(join(relay.dataDir, 'sessions'))).filter((name) => name.endsWith('.part'))).toEqual([]);
    expect((await logLines(relay.dataDir)).filter((entry) => entry.type === 'session.cast')).toHaveLength(0);
  });
});

describe('session views', () => {
  it('lists a session that was allowed but never closed, for auditors only', async () => {
    const relay = await world.relay();
    const closedId = await allowed(relay);
    const openId = await allowed(relay, ['get', 'deployments', '-n', 'dev']);
    await world.client(relay, 'agent-7').closeSession(closedId, record(castDir, closedId).draft);
    const alice = world.client(relay, 'alice');
    const unclosed = await alice.sessions('unclosed');
    expect(unclosed.map((session) => session.sessionId)).toEqual([openId]);
    expect(unclosed[0]).toMatchObject({ command: 'kubectl get deployments -n dev', requester: { subject: 'agent-7' }, closed: false, closedSeq: null });
    expect((await alice.sessions('closed')).map((session) => session.sessionId)).toEqual([closedId]);
    expect(await alice.sessions('all')).toHaveLength(2);
    await expect(world.client(relay, 'agent-7').sessions('unclosed')).rejects.toMatchObject({ status: 403 });
  });

  it('keeps sessions across a restart (rebuilt from the log) and serves its copies to auditors', async () => {
    const dataDir = await world.dataDir();
    const first = await world.relay({ dataDir });
    const closedId = await allowed(first);
    const openId = await allowed(first);
    const cast = record(castDir, closedId, 50_000);
    const agent = world.client(first, 'agent-7');
    await agent.uploadCast(closedId, cast.open(), cast.draft.cast!.size);
    const { manifest } = await agent.closeSession(closedId, cast.draft);
    await first.stop();

    const second = await world.relay({ dataDir });
    const alice = world.client(second, 'alice');
    expect((await alice.sessions('unclosed')).map((session) => session.sessionId)).toEqual([openId]);
    expect(await alice.sessions('closed')).toMatchObject([{ sessionId: closedId, closed: true, relayCopy: true, exitCode: 0, manifestSha256: sha256Hex(Buffer.from(manifest.payload, 'base64url')) }]);
    expect(await world.client(second, 'agent-7').closeSession(closedId, cast.draft)).toEqual({ manifest, alreadyClosed: true });
    expect(await alice.sessionManifest(closedId)).toEqual(manifest);
    const chunks: Buffer[] = [];
    for await (const chunk of await alice.sessionCast(closedId)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(await readFile(cast.path))).toBe(true);

    // A deleted manifest copy comes back from the log, where the signed manifest is kept too.
    await rm(join(dataDir, 'sessions', `${closedId}.manifest.json`));
    expect(await alice.sessionManifest(closedId)).toEqual(manifest);
    await writeFile(join(dataDir, 'sessions', `${closedId}.manifest.json`), JSON.stringify({ ...manifest, payload: manifest.payload.slice(1) }));
    expect(await alice.sessionManifest(closedId)).toEqual(manifest);
    await expect(alice.sessionManifest(openId)).rejects.toMatchObject({ status: 404, code: 'ERR_SESSION_UNCLOSED' });
    await expect(world.client(second, 'bob').sessionCast(openId)).rejects.toMatchObject({ status: 404, code: 'ERR_NO_RELAY_COPY' });
  });
});
