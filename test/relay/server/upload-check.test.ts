// The relay signs only recordings it has checked: asciicast v2 whose header is this session's,
// kept once, within the identity's daily bytes, and re-masked by the relay so that the counts in
// the manifest are its own and a secret that got through is flagged.
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/contract/audit-chain.ts';
import type { SessionDraft } from '../../../src/contract/manifest.ts';
import type { AllowAnswer } from '../../../src/contract/relay-api.ts';
import { startWorld, type World } from '../fixtures.ts';
import { loadPolicy } from '../../../src/policy/load.ts';
import { auditLine } from '../../../src/cli/commands/audit-format.ts';
import { verifySessions } from '../../../src/recording/verify.ts';
import { record, logLines, payloadOf } from '../session-fixtures.ts';
import { maskText } from '../../../src/masking/index.ts';

let world: World;
let castDir: string;
beforeAll(async () => {
  world = await startWorld();
  castDir = await mkdtemp(join(world.root, 'casts-'));
});
afterAll(async () => {
  await world?.close();
});

const ARGV = ['get', 'pods', '-n', 'dev'];

async function allowed(relay: Parameters<World['client']>[0], argv = ARGV, who: 'agent-7' | 'bob' = 'agent-7'): Promise<string> {
  const answer = await world.client(relay, who).submit({ argv });
  expect(answer.decision).toBe('allow');
  return (answer as AllowAnswer).sessionId;
}

type Header = Record<string, unknown>;
const headerFor = (sessionId: string, extra: Header = {}): Header => ({
  version: 2, width: 80, height: 24, timestamp: 1_760_000_000, command: 'kubectl get pods -n dev', title: 'kubectl get pods -n dev', hk: { v: 1, session: sessionId }, ...extra,
});

/** A .cast made of these lines (a header object, then events), and the draft that describes it. */
function cast(sessionId: string, header: Header | string, events: unknown[] = [[0.1, 'o', 'pod-1 Running\r\n']], counts: Record<string, number> = {}) {
  const lines = [typeof header === 'string' ? header : JSON.stringify(header), ...events.map((event) => (typeof event === 'string' ? event : JSON.stringify(event)))];
  const bytes = Buffer.from(`${lines.join('\n')}\n`);
  return { bytes, draft: draftFor(sessionId, bytes, events.length, counts) };
}

function draftFor(sessionId: string, bytes: Buffer, events: number, counts: Record<string, number> = {}): SessionDraft {
  const now = Date.now();
  return {
    hk: 1, session: sessionId, cast: { file: `${sessionId}.cast`, sha256: sha256Hex(bytes), size: bytes.length, events },
    startedAt: new Date(now).toISOString(), endedAt: new Date(now + 1000).toISOString(), exitCode: 0, signal: null, terminal: false,
    masking: { profile: 'standard', counts },
  };
}

describe('what an upload must be', () => {
  it('refuses, with 400 and an audit entry, uploads that are not asciicast v2 for this session and command', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const cases: Array<[string, (id: string) => Buffer]> = [
      ['plain text', () => Buffer.from('this is not a recording\n')],
      ['an empty file', () => Buffer.alloc(0)],
      ['version 1', (id) => cast(id, headerFor(id, { version: 1 })).bytes],
      ['another session', (id) => cast(id, headerFor(`${id}x`)).bytes],
      ['no hk field', (id) => cast(id, headerFor(id, { hk: undefined })).bytes],
      ['another command', (id) => cast(id, headerFor(id, { command: 'kubectl get secrets -n prod', title: 'kubectl get secrets -n prod' })).bytes],
      ['a title of its own', (id) => cast(id, headerFor(id, { title: 'verified: ok, approved by alice' })).bytes],
      ['an unknown header field', (id) => cast(id, headerFor(id, { approvedBy: 'alice' })).bytes],
      ['an unknown hk field', (id) => cast(id, headerFor(id, { hk: { v: 1, session: id, identity: 'alice' } })).bytes],
      ['a header that is an array', () => Buffer.from('[2, 80, 24]\n')],
      ['a torn last line', (id) => Buffer.from(`${JSON.stringify(headerFor(id))}\n[0.1, "o", "pod`)],
      ['an event that is not an event', (id) => cast(id, headerFor(id), [{ time: 1 }]).bytes],
      ['an unknown event code', (id) => cast(id, headerFor(id), [[0.1, 'x', 'data']]).bytes],
      ['time going back', (id) => cast(id, headerFor(id), [[2, 'o', 'a'], [1, 'o', 'b']]).bytes],
      ['a negative time', (id) => cast(id, headerFor(id), [[-1, 'o', 'a']]).bytes],
      ['a bad resize', (id) => cast(id, headerFor(id), [[1, 'r', '80x24; rm -rf /']]).bytes],
      ['bytes that are not UTF-8', (id) => Buffer.concat([Buffer.from(`${JSON.stringify(headerFor(id))}\n[0.1, "o", "`), Buffer.from([0xff, 0xfe]), Buffer.from('"]\n')])],
      ['deep nesting', (id) => Buffer.from(`${JSON.stringify(headerFor(id))}\n${'['.repeat(5000)}${']'.repeat(5000)}\n`)],
    ];
    for (const [what, make] of cases) {
      const sessionId = await allowed(relay);
      const bytes = make(sessionId);
      const refused = agent.uploadCast(sessionId, Readable.from([bytes]), bytes.length);
      await expect(refused, what).rejects.toMatchObject({ code: 'ERR_CAST_INVALID' });
      expect(relay.state.sessions.get(sessionId)!.upload, what).toBeNull();
      await expect(stat(join(relay.dataDir, 'sessions', `${sessionId}.cast`)), what).rejects.toMatchObject({ code: 'ENOENT' });
    }
    const entries = await logLines(relay.dataDir);
    expect(entries.filter((entry) => entry.type === 'upload.refused' && entry.code === 'ERR_CAST_INVALID')).toHaveLength(cases.length);
    expect(entries.filter((entry) => entry.type === 'session.cast')).toEqual([]);
  });

  it('checks a recording sent inside the close request the same way, and signs nothing', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const sessionId = await allowed(relay);
    const forged = cast(sessionId, headerFor(sessionId, { command: 'kubectl version' }));
    await expect(agent.closeSession(sessionId, forged.draft, forged.bytes)).rejects.toMatchObject({ code: 'ERR_CAST_INVALID' });
    expect((await logLines(relay.dataDir)).filter((entry) => entry.type === 'session.closed')).toEqual([]);
  });

  it('accepts the header hkubectl writes for a command with a credential flag (its value masked as the relay logged it)', async () => {
    // The default policy blocks an agent's connection overrides; this one lets the command run.
    const policy = loadPolicy(`version: 1
approvers: { groups: [approvers] }
defaults: { action: allow, mask: standard, record: true }
rules: []
`);
    const relay = await world.relay({ policy });
    const argv = ['get', 'pods', '-n', 'dev', '--token=s3cr3t-value'];
    const sessionId = await allowed(relay, argv);
    const logged = relay.state.sessions.get(sessionId)!.decision.argv;
    expect(logged.join(' ')).not.toContain('s3cr3t');
    const command = ['kubectl', ...logged].join(' ');
    const good = cast(sessionId, headerFor(sessionId, { command, title: command }));
    const { manifest } = await world.client(relay, 'agent-7').closeSession(sessionId, good.draft, good.bytes);
    expect(payloadOf(manifest)).toMatchObject({ relayCopy: true, relayCheck: { recording: 'checked' } });
  });
});

describe('sessions the relay decided not to record', () => {
  it('takes no recording of them and signs no cast for them', async () => {
    const policy = loadPolicy(`version: 1
approvers: { groups: [approvers] }
defaults: { action: allow, mask: standard, record: false }
rules: []
`);
    const relay = await world.relay({ policy });
    const agent = world.client(relay, 'agent-7');
    const sessionId = await allowed(relay);
    const upload = cast(sessionId, headerFor(sessionId));
    await expect(agent.uploadCast(sessionId, Readable.from([upload.bytes]), upload.bytes.length)).rejects.toMatchObject({ status: 409, code: 'ERR_NOT_RECORDED' });
    await expect(agent.closeSession(sessionId, upload.draft)).rejects.toMatchObject({ code: 'ERR_INVALID_DRAFT', message: expect.stringMatching(/"cast"/) });
    const { manifest } = await agent.closeSession(sessionId, { ...upload.draft, cast: null });
    expect(payloadOf(manifest)).toMatchObject({ cast: null, relayCopy: false, relayCheck: { recording: 'not-recorded', countedBy: 'wrapper' } });
  });
});

describe('write-once', () => {
  it('refuses a second upload before close (409, logged), keeps the first, and still signs a retried close against it', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const sessionId = await allowed(relay);
    const first = record(castDir, sessionId, 80_000);
    await agent.uploadCast(sessionId, first.open(), first.draft.cast!.size);
    const second = record(await mkdtemp(join(castDir, 'second-')), sessionId, 90_000);
    await expect(agent.uploadCast(sessionId, second.open(), second.draft.cast!.size)).rejects.toMatchObject({ status: 409, code: 'ERR_CAST_EXISTS' });
    expect(sha256Hex(await readFile(join(relay.dataDir, 'sessions', `${sessionId}.cast`)))).toBe(first.draft.cast!.sha256);
    await expect(agent.closeSession(sessionId, second.draft)).rejects.toMatchObject({ status: 409, code: 'ERR_CAST_MISMATCH' });
    const { manifest } = await agent.closeSession(sessionId, first.draft);
    expect(payloadOf(manifest)).toMatchObject({ cast: first.draft.cast, relayCopy: true });
    const entries = await logLines(relay.dataDir);
    expect(entries.filter((entry) => entry.type === 'session.cast')).toHaveLength(1);
    expect(entries.find((entry) => entry.type === 'upload.refused')).toMatchObject({ sessionId, code: 'ERR_CAST_EXISTS', by: { subject: 'agent-7' } });
  });

  it('refuses a close whose draft counts a different number of events than the relay found', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const sessionId = await allowed(relay);
    const good = cast(sessionId, headerFor(sessionId), [[0.1, 'o', 'a'], [0.2, 'o', 'b']]);
    await expect(agent.closeSession(sessionId, { ...good.draft, cast: { ...good.draft.cast!, events: 7 } }, good.bytes)).rejects.toMatchObject({ status: 409, code: 'ERR_CAST_MISMATCH' });
  });
});

describe('the relay\'s own masking', () => {
  it('signs its own counts of what was masked, keeps the wrapper\'s claim beside them, and flags a secret that was not masked', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const sessionId = await allowed(relay);
    const masked = Buffer.from('[MASKED:k8s-secret-data]').toString('base64');
    const events = [
      [0.1, 'o', 'TOKEN=[MASKED:jwt]\r\npassword: [MASKED:k8s-secret-data:0a1b2c3d]\r\n'],
      [0.2, 'o', `  data:\r\n    password: ${masked.slice(0, 10)}`],
      [0.3, 'o', `${masked.slice(10)}\r\n`],
      // An AWS key the wrapper let through, cut between two events.
      [0.4, 'o', 'aws_access_key_id = AKIAIOSFOD'],
      [0.5, 'o', 'NN7EXAMPLE\r\n'],
    ];
    const upload = cast(sessionId, headerFor(sessionId), events, { jwt: 9 });
    const { manifest } = await agent.closeSession(sessionId, upload.draft, upload.bytes);
    const payload = payloadOf(manifest);
    expect(payload.masking).toEqual({ profile: 'standard', counts: { jwt: 1, 'k8s-secret-data': 2 } });
    expect(payload.relayCheck).toEqual({
      v: 1, recording: 'checked', countedBy: 'relay', wrapperCounts: { jwt: 9 }, unmasked: { 'aws-access-key-id': 1 }, flagged: true,
    });
    const entries = await logLines(relay.dataDir);
    expect(entries.find((entry) => entry.type === 'session.cast')).toMatchObject({ events: 5, counts: { jwt: 1, 'k8s-secret-data': 2 }, unmasked: { 'aws-access-key-id': 1 } });
    expect(entries.find((entry) => entry.type === 'session.closed')).toMatchObject({ unmasked: { 'aws-access-key-id': 1 } });
    expect(auditLine(entries.find((entry) => entry.type === 'session.closed') as never)).toMatch(/FLAGGED: unmasked aws-access-key-id ×1/);

    // The auditor's verify says so too, while the signature and hashes still verify.
    const dir = await mkdtemp(join(castDir, 'flagged-'));
    await writeFile(join(dir, `${sessionId}.cast`), upload.bytes);
    await writeFile(join(dir, `${sessionId}.manifest.json`), JSON.stringify(manifest));
    const [verified] = await verifySessions([dir], { jwks: await world.client(relay).jwks() as never });
    expect(verified).toMatchObject({ status: 'verified', problems: [expect.stringMatching(/flagged by the relay: the recording holds unmasked aws-access-key-id ×1/)] });
  });

  it('says when the counts are only the wrapper\'s word: no copy of the recording reached the relay', async () => {
    const relay = await world.relay();
    const sessionId = await allowed(relay);
    const upload = cast(sessionId, headerFor(sessionId), undefined, { jwt: 2 });
    const { manifest } = await world.client(relay, 'agent-7').closeSession(sessionId, upload.draft);
    const payload = payloadOf(manifest);
    expect(payload.masking.counts).toEqual({ jwt: 2 });
    expect(payload.relayCheck).toEqual({ v: 1, recording: 'not-uploaded', countedBy: 'wrapper', wrapperCounts: { jwt: 2 }, unmasked: {}, flagged: false });
  });
});

describe('pipe recordings (hk.stdout "pipe": every LF of the output recorded as CR LF)', () => {
  // What kubectl printed on a pipe: a Secret read as YAML, and an env dump.
  const printed = [
    'apiVersion: v1', 'data:', `  password: ${Buffer.from('hunter2-correct-horse').toString('base64')}`,
    `  token: ${Buffer.from('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl').toString('base64')}`,
    'kind: Secret', 'metadata:', '  name: db', 'type: Opaque', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '',
  ].join('\n');
  const pipeHeader = (sessionId: string) => headerFor(sessionId, { hk: { v: 1, session: sessionId, stdout: 'pipe' } });
  /** The text as events, cut at every `step` characters of its CR LF form (so some cuts fall between CR and LF). */
  const eventsOf = (text: string, step: number) => {
    const terminal = text.replace(/\n/g, '\r\n');
    const events: unknown[] = [];
    for (let at = 0; at < terminal.length; at += step) events.push([0.1 + at / 1000, 'o', terminal.slice(at, at + step)]);
    return events;
  };

  it('counts the markers of the wrapper\'s masking as the wrapper counted them, however the CR LF fall between events', async () => {
    const wrapper = maskText(printed, { profile: 'standard' });
    expect(Object.keys(wrapper.counts).length).toBeGreaterThan(1);
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    for (const step of [1, 2, 7, 4096]) {
      const sessionId = await allowed(relay);
      const upload = cast(sessionId, pipeHeader(sessionId), eventsOf(wrapper.text, step), wrapper.counts);
      const { manifest } = await agent.closeSession(sessionId, upload.draft, upload.bytes);
      expect(payloadOf(manifest).relayCheck, `cut every ${step}`).toMatchObject({ recording: 'checked', countedBy: 'relay', unmasked: {}, flagged: false });
      expect(payloadOf(manifest).masking.counts, `cut every ${step}`).toEqual(wrapper.counts);
    }
  });

  it('finds what the wrapper let through as its own masker finds it in the bytes the agent got', async () => {
    const own = maskText(printed, { profile: 'standard' });
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    for (const step of [1, 3, 4096]) {
      const sessionId = await allowed(relay);
      const upload = cast(sessionId, pipeHeader(sessionId), eventsOf(printed, step));
      const { manifest } = await agent.closeSession(sessionId, upload.draft, upload.bytes);
      expect(payloadOf(manifest).relayCheck, `cut every ${step}`).toMatchObject({ unmasked: own.counts, flagged: true });
    }
  });

  it('takes hk.stdout "pty" and refuses any other value', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const pty = await allowed(relay);
    const good = cast(pty, headerFor(pty, { hk: { v: 1, session: pty, stdout: 'pty' } }));
    await expect(agent.closeSession(pty, good.draft, good.bytes)).resolves.toMatchObject({ manifest: expect.anything() });
    const other = await allowed(relay);
    const bad = cast(other, headerFor(other, { hk: { v: 1, session: other, stdout: 'file' } }));
    await expect(agent.closeSession(other, bad.draft, bad.bytes)).rejects.toMatchObject({ code: 'ERR_CAST_INVALID', message: expect.stringMatching(/hk\.stdout/) });
  });
});

describe('daily upload quota', () => {
  it('refuses bytes past the identity\'s daily allowance with 413 and an audit entry, declared or streamed; others are not affected', async () => {
    const relay = await world.relay({ limits: { uploadBytesPerDay: 150_000 } });
    const agent = world.client(relay, 'agent-7');
    const first = await allowed(relay);
    const kept = record(castDir, first, 100_000);
    await agent.uploadCast(first, kept.open(), kept.draft.cast!.size);

    const second = await allowed(relay);
    const big = record(castDir, second, 100_000);
    await expect(agent.uploadCast(second, big.open(), big.draft.cast!.size)).rejects.toMatchObject({ code: 'ERR_QUOTA_EXCEEDED' });
    const streamed = await request(`${relay.url}/v1/sessions/${second}/cast`, {
      method: 'PUT', headers: { authorization: `Bearer ${world.tokens['agent-7']}`, 'content-type': 'application/octet-stream' }, body: Readable.from([await readFile(big.path)]),
    });
    expect(streamed.statusCode).toBe(413);
    expect(await streamed.body.json()).toMatchObject({ error: { code: 'ERR_QUOTA_EXCEEDED', reason: 'upload-bytes-per-day' } });
    expect(relay.state.sessions.get(second)!.upload).toBeNull();
    // The session still closes, without a relay copy.
    expect(payloadOf((await agent.closeSession(second, big.draft)).manifest)).toMatchObject({ relayCopy: false });

    const bobs = await allowed(relay, ARGV, 'bob');
    const bobCast = record(castDir, bobs, 100_000);
    await world.client(relay, 'bob').uploadCast(bobs, bobCast.open(), bobCast.draft.cast!.size);
    // Logged once for the day, however often the client tries again.
    const quota = (await logLines(relay.dataDir)).filter((entry) => entry.type === 'quota.exceeded');
    expect(quota.length).toBe(1);
    expect(quota[0]).toMatchObject({ by: { subject: 'agent-7' }, quota: 'upload-bytes-per-day', limit: 150_000, sessionId: second });
  });
});

describe('draft fields', () => {
  it('refuses every field outside its schema with 400 naming the field, and signs nothing', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const sessionId = await allowed(relay);
    const base = cast(sessionId, headerFor(sessionId)).draft;
    const hostile = '<script>alert(1)</script>\u001b[2J\u001b]0;pwned\u0007';
    const cases: Array<[string, unknown]> = [
      ['masking.profile', { ...base, masking: { profile: hostile, counts: {} } }],
      ['masking.profile', { ...base, masking: { profile: 'strict', counts: {} } }],
      ['masking.counts', { ...base, masking: { profile: 'standard', counts: { [hostile]: 1 } } }],
      ['masking.counts.jwt', { ...base, masking: { profile: 'standard', counts: { jwt: -1 } } }],
      ['masking.counts.jwt', { ...base, masking: { profile: 'standard', counts: { jwt: 1.5 } } }],
      ['masking', { ...base, masking: { profile: 'standard', counts: {}, note: hostile } }],
      ['exitCode', { ...base, exitCode: 999 }],
      ['exitCode', { ...base, exitCode: -1 }],
      ['signal', { ...base, signal: hostile }],
      ['signal', { ...base, signal: 'SIGFAKE' }],
      ['startedAt', { ...base, startedAt: 'yesterday' }],
      ['startedAt', { ...base, startedAt: '1' }],
      ['endedAt', { ...base, endedAt: hostile }],
      ['startedAt', { ...base, startedAt: '2001-01-01T00:00:00Z' }],
      ['endedAt', { ...base, endedAt: '2001-01-01T00:00:00Z' }],
      ['endedAt', { ...base, endedAt: '2999-01-01T00:00:00Z' }],
      ['cast.size', { ...base, cast: { ...base.cast, size: 2 ** 53 } }],
      ['cast.events', { ...base, cast: { ...base.cast, events: -3 } }],
      ['cast.file', { ...base, cast: { ...base.cast, file: '../../etc/passwd' } }],
      ['terminal', { ...base, terminal: 'yes' }],
      ['comment', { ...base, comment: hostile }],
      ['session', { ...base, session: hostile }],
    ];
    for (const [field, draft] of cases) {
      const answer = await request(`${relay.url}/v1/sessions/${sessionId}/close`, {
        method: 'POST', headers: { authorization: `Bearer ${world.tokens['agent-7']}`, 'content-type': 'application/json' }, body: JSON.stringify({ draft }),
      });
      const body = await answer.body.json() as { error: { code: string; message: string } };
      expect({ field, status: answer.statusCode, code: body.error.code }).toEqual({ field, status: 400, code: 'ERR_INVALID_DRAFT' });
      expect(body.error.message, field).toContain(field);
      expect(body.error.message, field).not.toMatch(/[\u0000-\u001f<]/);
    }
    await expect(agent.closeSession(sessionId, base)).resolves.toMatchObject({ alreadyClosed: false });
    expect((await logLines(relay.dataDir)).filter((entry) => entry.type === 'session.closed')).toHaveLength(1);
  });
});
