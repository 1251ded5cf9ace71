import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS, sealEntry, type AuditEntry, type SealableEvent } from '../../../src/contract/audit-chain.ts';
import { exportBundle, type ExportRequest } from '../../../src/replay/export/export-bundle.ts';
import { launchBrowser, type TestBrowser } from '../browser.ts';
import { refusalEvents, relayKeys, tempDir, writeSession, type TestRelayKeys } from '../fixtures.ts';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

const HOSTILE = '<script>window.__pwned = 1</script></script><img src=x onerror="window.__pwned = 2"><!--';
let dir: { path: string; remove(): Promise<void> };
let keys: TestRelayKeys;
let log: AuditEntry[];

/** An audit log built the way the relay appends to it. */
function auditLog(start = '2026-03-01T09:00:00.000Z') {
  const entries: AuditEntry[] = [];
  return {
    entries,
    append(event: SealableEvent): AuditEntry {
      const { entry } = sealEntry(event, entries.length + 1, new Date(Date.parse(start) + entries.length * 60_000).toISOString(), entries.at(-1)?.hash ?? GENESIS);
      entries.push(entry);
      return entry;
    },
  };
}

beforeAll(async () => {
  dir = await tempDir('hk-export-');
  keys = await relayKeys();
  const audit = auditLog();
  const decision = (sessionId: string, subject: string) => audit.append({ type: 'decision', outcome: 'allow', sessionId, requester: { subject }, command: `kubectl get pods (${sessionId})`, record: true });
  // A manifest names the seq its session.closed entry gets and the hash before it; the entry
  // names the manifest's payload digest.
  const close = async (spec: Parameters<typeof writeSession>[2]) => {
    await writeSession(dir.path, keys, { ...spec, chain: { seq: audit.entries.length + 1, prev: audit.entries.at(-1)!.hash } });
    const { payload } = JSON.parse(await readFile(join(dir.path, `${spec.session}.manifest.json`), 'utf8')) as { payload: string };
    audit.append({ type: 'session.closed', sessionId: spec.session, manifestSha256: createHash('sha256').update(Buffer.from(payload, 'base64url')).digest('hex') });
  };
  decision('s-early', 'agent-7');
  decision('s-scale', 'agent-7');
  await close({ session: 's-early', startedAt: '2026-03-01T09:30:00.000Z' });
  decision('s-skipped', 'agent-7');
  await close({
    session: 's-scale', argv: ['scale', 'deploy/web', '--replicas=5', '-n', 'prod'], startedAt: '2026-03-01T09:10:00.000Z', rule: 'prod-writes', risk: 60,
    approval: { requestId: 'req-9', approver: 'alice', justification: '=HYPERLINK("http://x") INC-1, "quoted"' },
    events: [[0, 'm', 'approval: request req-9'], [0.1, 'o', `deployment.apps/web scaled\r\n${HOSTILE}\r\nHOSTILE-TEXT\r\n`]],
  });
  decision('s-other', 'agent-9');
  log = audit.entries;
  await writeSession(dir.path, keys, { session: 's-other', subject: 'agent-9', startedAt: '2026-03-01T09:50:00.000Z', chain: { seq: 100, prev: GENESIS } });
  await writeSession(dir.path, keys, { session: 's-lost', startedAt: '2026-03-01T09:40:00.000Z', chain: { seq: 101, prev: GENESIS } });
  await rm(join(dir.path, 's-lost.cast'));
  await writeSession(dir.path, keys, { session: 's-outside', startedAt: '2026-02-01T09:00:00.000Z' });
});
afterAll(() => dir?.remove());

/** The refusal fixtures as the relay logs them, from 09:25 on: among s-scale (09:10) and s-early (09:30). */
function refusalLog() {
  const audit = auditLog('2026-03-01T09:25:00.000Z');
  for (const event of refusalEvents()) audit.append(event as SealableEvent);
  return audit;
}

function request(out: string, extra: Partial<ExportRequest> = {}): ExportRequest {
  return {
    dir: dir.path, jwks: keys.jwks, since: new Date('2026-03-01T00:00:00Z'), until: new Date('2026-03-02T00:00:00Z'), identities: [], out,
    audit: async () => ({ entries: log, truncated: false, source: 'test log' }), now: () => new Date('2026-03-05T00:00:00Z'), ...extra,
  };
}

describe('audit export', () => {
  it('writes a .tar.gz with the session log in time order, recordings, manifests, keys, audit segment and report', async () => {
    const out = join(dir.path, 'q1.tar.gz');
    const lines: string[] = [];
    const report = await exportBundle(request(out, { progress: (l) => lines.push(l) }));
    const listing = (await promisify(execFile)('tar', ['-tzf', out])).stdout.split('\n').filter(Boolean).sort();
    expect(listing).toEqual([
      'q1/README.txt', 'q1/approvals.jsonl', 'q1/audit-log.jsonl', 'q1/index.html', 'q1/jwks.json', 'q1/session-log.csv', 'q1/session-log.jsonl',
      'q1/sessions/s-early.cast', 'q1/sessions/s-early.manifest.json', 'q1/sessions/s-lost.manifest.json',
      'q1/sessions/s-other.cast', 'q1/sessions/s-other.manifest.json', 'q1/sessions/s-scale.cast', 'q1/sessions/s-scale.manifest.json',
      'q1/verification-report.json', 'q1/verification-report.txt',
    ]);
    expect(report.totals).toEqual({ sessions: 4, byStatus: { verified: 3, 'missing-recording': 1 } });
    // The clock stands still here: each phase's first line, then nothing faster than 4 a second.
    expect(lines).toEqual(['export: verifying recordings: 1 checked, 0 in the range', expect.stringMatching(/^export: writing sessions: 1\/4, \d+ B of recordings$/)]);
  });

  it('reports a manifest whose recording is missing instead of skipping it', async () => {
    const out = join(dir.path, 'missing');
    const report = await exportBundle(request(out));
    expect(report.missingRecordings).toEqual(['s-lost']);
    const text = await readFile(join(out, 'verification-report.txt'), 'utf8');
    expect(text).toContain('MISSING RECORDINGS (manifest present, .cast absent): 1\n  s-lost');
    expect(text).toContain('RESULT: PROBLEMS FOUND');
  });

  it('keeps a chronological session log with identities, approvals and masked excerpts', async () => {
    const out = join(dir.path, 'log');
    await exportBundle(request(out));
    const rows = (await readFile(join(out, 'session-log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.startedAt, r.session, r.identity])).toEqual([
      ['2026-03-01T09:10:00.000Z', 's-scale', 'agent-7'], ['2026-03-01T09:30:00.000Z', 's-early', 'agent-7'],
      ['2026-03-01T09:40:00.000Z', 's-lost', 'agent-7'], ['2026-03-01T09:50:00.000Z', 's-other', 'agent-9'],
    ]);
    expect(rows[0].excerpt).toContain('deployment.apps/web scaled');
    const approvals = JSON.parse((await readFile(join(out, 'approvals.jsonl'), 'utf8')).trim());
    expect(approvals).toMatchObject({ session: 's-scale', requestId: 'req-9', approver: 'alice@bank.example', justification: '=HYPERLINK("http://x") INC-1, "quoted"' });
    const csv = (await readFile(join(out, 'session-log.csv'), 'utf8')).split('\r\n');
    expect(csv[0]).toBe('started_at,ended_at,session,identity,command,namespace,context,decision,rule,risk,approval_request,approver,justification,reason,exit_code,verification,evidence_mode,evidence,message');
    // A justification that a spreadsheet would run as a formula is quoted as text.
    expect(csv[1]).toContain(`"'=HYPERLINK(""http://x"") INC-1, ""quoted"""`);
  });

  it('checks the audit segment: chain intact, manifests linked, and allowed sessions with no recording', async () => {
    const report = await exportBundle(request(join(dir.path, 'audit')));
    expect(report.audit?.segment).toMatchObject({ entries: 6, firstSeq: 1, lastSeq: 6, anchor: GENESIS, broken: null });
    expect(report.audit?.chainProblems).toEqual([]);
    expect(report.audit?.allowedWithoutRecording.map((m) => m.session)).toEqual(['s-skipped']);
    const copied = (await readFile(join(dir.path, 'audit', 'audit-log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(copied.map((e: AuditEntry) => e.hash)).toEqual(log.map((e) => e.hash));
  });

  it('notices a manifest that points at the wrong audit entry', async () => {
    const relinked = log.map((entry) => (entry.seq === 3 ? { ...entry, sessionId: 's-elsewhere' } : entry));
    const report = await exportBundle(request(join(dir.path, 'relinked'), { audit: async () => ({ entries: relinked, truncated: false, source: 'test' }) }));
    expect(report.audit?.chainProblems).toEqual(["session s-early: audit entry #3 is session.closed s-elsewhere, not this session's session.closed"]);
  });

  it('notices an audit segment that was altered', async () => {
    const altered = log.map((entry) => (entry.seq === 4 ? { ...entry, command: 'kubectl get nothing' } : entry));
    const report = await exportBundle(request(join(dir.path, 'altered'), { audit: async () => ({ entries: altered, truncated: false, source: 'test' }) }));
    expect(report.audit?.segment.broken).toMatchObject({ seq: 4, message: expect.stringContaining('altered') });
  });

  it('limits the bundle to the identities asked for', async () => {
    const out = join(dir.path, 'agent9');
    const report = await exportBundle(request(out, { identities: ['agent-9'] }));
    expect(report.totals.sessions).toBe(1);
    expect((await readdir(join(out, 'sessions'))).sort()).toEqual(['s-other.cast', 's-other.manifest.json']);
    expect(report.audit?.allowedWithoutRecording).toEqual([]);
  });

  it('reads an audit segment handed over as a stream, entry by entry', async () => {
    async function* streamed() {
      yield* log;
    }
    const out = join(dir.path, 'streamed-audit');
    const report = await exportBundle(request(out, { audit: async () => ({ entries: streamed(), truncated: false, source: 'stream' }) }));
    expect(report.audit?.segment).toMatchObject({ entries: 6, firstSeq: 1, lastSeq: 6, head: log.at(-1)!.hash, broken: null });
    expect(report.audit?.allowedWithoutRecording.map((m) => m.session)).toEqual(['s-skipped']);
    expect((await readFile(join(out, 'audit-log.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(6);
  });

  it('leaves no temporary files behind, whether it succeeds or the audit log cannot be had', async () => {
    const previous = process.env.TMPDIR;
    const temp = await mkdtemp(join(tmpdir(), 'hk-export-temp-test-'));
    process.env.TMPDIR = temp;
    try {
      const out = join(dir.path, 'tidy.tar.gz');
      await exportBundle(request(out));
      expect(await readdir(temp)).toEqual([]);
      const failing = join(dir.path, 'failing.tar.gz');
      const unreachable = async (): Promise<never> => {
        throw new Error('relay unreachable');
      };
      await expect(exportBundle(request(failing, { audit: unreachable }))).rejects.toThrow('relay unreachable');
      expect(await readdir(temp)).toEqual([]);
      expect(await readdir(dir.path)).not.toContain('failing.tar.gz');
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(temp, { recursive: true, force: true });
    }
  });

  it('puts the blocked, denied and expired requests in the session log among the sessions, in time order, with rule and message', async () => {
    const out = join(dir.path, 'refusals');
    const report = await exportBundle(request(out, { audit: async () => ({ entries: refusalLog().entries, truncated: false, source: 'test log' }) }));
    expect(report.refusedRequests).toBe(3);
    const rows = (await readFile(join(out, 'session-log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.session ?? `${r.outcome} ${r.id}`)).toEqual(['s-scale', 'blocked #1', 'denied #3', 'expired #5', 's-early', 's-lost', 's-other']);
    expect(rows[1]).toMatchObject({ kind: 'refusal', rule: 'no-namespace-deletes', message: 'deleting a namespace is never allowed', command: 'kubectl delete namespace prod' });
    const csv = (await readFile(join(out, 'session-log.csv'), 'utf8')).split('\r\n');
    expect(csv[0]!.endsWith(',message')).toBe(true);
    expect(csv[3]).toBe('2026-03-01T09:27:00.000Z,,,agent-7@bank.example,kubectl scale deployment/web --replicas=0 -n prod,prod,sandbox,denied,writes-in-production,60,req-denied,alice@bank.example,not during the freeze,reason for kubectl scale deployment/web --replicas=0 -n prod,,,,,a write in production needs an approver');
    const approvals = (await readFile(join(out, 'approvals.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(approvals.map((a) => [a.requestId, a.outcome ?? a.verification])).toEqual([['req-9', 'verified'], ['req-denied', 'denied'], ['req-expired', 'expired']]);
    expect(await readFile(join(out, 'verification-report.txt'), 'utf8')).toContain('refused requests (blocked, denied, expired; in the session log and index.html): 3');
  });

  describe('index.html', () => {
    let browser: TestBrowser;
    beforeAll(async () => {
      browser = await launchBrowser();
      await exportBundle(request(join(dir.path, 'page')));
      await exportBundle(request(join(dir.path, 'page-refusals'), { audit: async () => ({ entries: refusalLog().entries, truncated: false, source: 'test log' }) }));
      await mkdir(SHOTS, { recursive: true });
    });
    afterAll(() => browser?.close());

    it('opens offline, lists the sessions, plays an embedded recording and never runs recorded markup', async () => {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      // Any request leaving the page would be a CDN or a leak: the bundle must be self-contained.
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(join(dir.path, 'page', 'index.html')).href);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.$$eval('#sessions tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-session')))).toEqual(['s-scale', 's-early', 's-lost', 's-other']);
      expect(await page.textContent('tr[data-session="s-lost"] .badge')).toBe('MISSING .cast');
      await page.click('tr[data-session="s-scale"]');
      await expect.poll(() => page.textContent('#player'), { timeout: 15_000 }).toContain('HOSTILE-TEXT');
      expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__pwned)).toBeUndefined();
      expect(await page.locator('#list img, #detail img, #list script, #detail script').count()).toBe(0);
      expect(await page.textContent('#trail')).toContain('=HYPERLINK("http://x") INC-1, "quoted"');
      await page.click('tr[data-session="s-lost"]');
      await expect.poll(() => page.textContent('#player'), { timeout: 15_000 }).toContain('missing');
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('plays every embedded recording in its player (a screenshot of each is kept)', async () => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1280, height: 900 });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(pathToFileURL(join(dir.path, 'page', 'index.html')).href);
      await page.waitForSelector('body[data-ready="true"]');
      for (const [session, shown] of [['s-scale', 'HOSTILE-TEXT'], ['s-early', 'web-1'], ['s-other', 'web-1']] as const) {
        await page.click(`tr[data-session="${session}"]`);
        await expect.poll(() => page.textContent('#player'), { timeout: 15_000 }).toContain(shown);
        // The player's own controls are up and its terminal has drawn rows: it plays, not only holds text.
        expect(await page.locator('#player .ap-player').count()).toBe(1);
        await page.screenshot({ path: join(SHOTS, `bundle-${session}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
      await page.close();
    });

    it('shows a denied request on the page, with who denied it and why, and a blocked one with its rule and message', async () => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(pathToFileURL(join(dir.path, 'page-refusals', 'index.html')).href);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.$$eval('#sessions tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-session')))).toEqual(['s-scale', 'refusal-1', 'refusal-3', 'refusal-5', 's-early', 's-lost', 's-other']);
      expect(await page.textContent('tr[data-session="refusal-3"] .badge')).toBe('DENIED');
      expect(await page.textContent('tr[data-session="refusal-3"] td.decision')).toBe('denied by alice@bank.example' + 'not during the freeze');
      expect(await page.textContent('tr[data-session="refusal-1"] td.decision')).toBe('blocked by rule no-namespace-deletes' + 'deleting a namespace is never allowed');
      await page.click('tr[data-session="refusal-1"]');
      await page.waitForSelector('#detail:not([hidden])');
      const trail = await page.$$eval('#trail dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
      expect(trail).toMatchObject({ rule: 'no-namespace-deletes', message: 'deleting a namespace is never allowed', identity: 'agent-7@bank.example', risk: '95' });
      expect(await page.textContent('#player')).toContain('No session ran: the request was blocked');
      await page.screenshot({ path: join(SHOTS, 'bundle-refusals.png'), fullPage: true });
      await page.close();
    });
  });
});

describe('audit export of a directory of many sessions', () => {
  let many: { path: string; remove(): Promise<void> };
  const COUNT = 300;
  const sameMoment = '2026-04-01T12:00:00.000Z';
  beforeAll(async () => {
    many = await tempDir('hk-export-many-');
    // Start times in a scrambled order (the directory's order says nothing about time), ids that
    // do not sort like their times, and five sessions in one millisecond, written in reverse id order.
    for (let i = 0; i < COUNT; i += 1) {
      const minute = (i * 97) % COUNT;
      const startedAt = i < 5 ? sameMoment : new Date(Date.parse('2026-04-01T00:00:00Z') + minute * 60_000 + 1).toISOString();
      await writeSession(many.path, keys, { session: i < 5 ? `tie-${4 - i}` : `z-${String((i * 53) % 1000).padStart(3, '0')}-${i}`, startedAt });
    }
    // A recording that never got a manifest: it counts once, from its .cast alone.
    await writeSession(many.path, keys, { session: 'a-no-manifest', startedAt: '2026-04-01T00:00:00.000Z' });
    await rm(join(many.path, 'a-no-manifest.manifest.json'));
    // Two manifests that claim one audit-log entry (one outside the range), and one of another
    // relay that has the same seq after a different hash.
    const place = { seq: 7, prev: 'a'.repeat(64) };
    await writeSession(many.path, keys, { session: 'claim-in-range', startedAt: '2026-04-02T00:00:00.000Z', chain: place });
    await writeSession(many.path, keys, { session: 'claim-before-range', startedAt: '2025-01-01T00:00:00.000Z', chain: place });
    await writeSession(many.path, keys, { session: 'other-relay', startedAt: '2026-04-02T00:01:00.000Z', chain: { seq: 7, prev: 'b'.repeat(64) } });
  });
  afterAll(() => many?.remove());

  const range = (out: string): ExportRequest => ({
    dir: many.path, jwks: keys.jwks, since: new Date('2025-06-01T00:00:00Z'), until: new Date('2026-05-01T00:00:00Z'), identities: [], out, audit: null,
  });

  it('writes every session once, in time order, and those of one millisecond by id', async () => {
    const out = join(many.path, 'out');
    const report = await exportBundle(range(out));
    const rows = (await readFile(join(out, 'session-log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { session: string; startedAt: string; status: string });
    expect(report.totals.sessions).toBe(COUNT + 3);
    expect(rows).toHaveLength(COUNT + 3);
    expect(new Set(rows.map((r) => r.session)).size).toBe(COUNT + 3);
    const byTimeThenId = [...rows].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || (a.session < b.session ? -1 : 1));
    expect(rows.map((r) => r.session)).toEqual(byTimeThenId.map((r) => r.session));
    expect(rows.filter((r) => r.startedAt === sameMoment).map((r) => r.session)).toEqual(['tie-0', 'tie-1', 'tie-2', 'tie-3', 'tie-4']);
    // The header's timestamp (2025-06-15) places the recording without a manifest.
    expect(rows.filter((r) => r.session === 'a-no-manifest')).toEqual([expect.objectContaining({ status: 'unsigned', startedAt: '2025-06-15T15:06:40.000Z' })]);
    const csv = (await readFile(join(out, 'session-log.csv'), 'utf8')).trim().split('\r\n');
    expect(csv).toHaveLength(COUNT + 4);
    expect((await readdir(join(out, 'sessions'))).length).toBe(2 * (COUNT + 3) - 1);
  });

  it('flags two manifests that claim one audit-log entry, even when the other is outside the range', async () => {
    const report = await exportBundle(range(join(many.path, 'claims')));
    const claimed = report.sessions.find((s) => s.session === 'claim-in-range');
    expect(claimed).toEqual({ session: 'claim-in-range', status: 'tampered', problems: ['chain: 2 manifests claim audit-log entry #7 (claim-before-range, claim-in-range)'] });
    expect(report.sessions.map((s) => s.session).sort()).toEqual(['a-no-manifest', 'claim-in-range']);
    expect(report.totals.byStatus).toEqual({ verified: COUNT + 1, unsigned: 1, tampered: 1 });
  });
});
