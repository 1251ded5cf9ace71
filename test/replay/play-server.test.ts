import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayServer, type PlayServer } from '../../src/replay/play-server.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { refusalEvents, relayKeys, tempDir, writeAuditLog, writeSession } from './fixtures.ts';
import { mkdir } from 'node:fs/promises';
import { refusalsIn } from '../../src/replay/refusals.ts';
import { dataDirAuditEntries } from '../../src/replay/audit-entries.ts';

const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
let dir: { path: string; remove(): Promise<void> };
let server: PlayServer;
let browser: TestBrowser;

beforeAll(async () => {
  dir = await tempDir('hk-play-');
  const keys = await relayKeys();
  await writeSession(dir.path, keys, {
    session: 'good', argv: ['get', 'pods', '-n', 'prod'], namespace: 'prod', startedAt: '2026-03-01T10:00:00Z', email: 'agent-7@bank.example',
    events: [[0, 'm', 'decision: allow by rule reads (risk 5)'], [0.05, 'o', 'NAME        READY\r\npayments-1  1/1 RECORDED-TEXT\r\n'], [0.1, 'm', 'exit 0']],
  });
  await writeSession(dir.path, keys, {
    session: 'approved', argv: ['scale', 'deployment/web', '--replicas=5', '-n', 'prod'], verb: 'scale', namespace: 'prod', startedAt: '2026-03-01T11:00:00Z', rule: 'prod-writes', risk: 60,
    approval: { requestId: 'req-42', approver: 'alice', justification: 'INC-1234 traffic spike' },
  });
  await writeSession(dir.path, keys, { session: 'altered', argv: ['get', 'secrets', '-n', 'staging'], namespace: 'staging', startedAt: '2026-03-01T12:00:00Z' });
  const altered = join(dir.path, 'altered.cast');
  await writeFile(altered, (await readFile(altered, 'utf8')).replace('web-1', 'web-9'));
  await writeSession(dir.path, keys, {
    session: 'hostile', argv: ['logs', HOSTILE], namespace: 'prod', startedAt: '2026-03-01T13:00:00Z',
    events: [[0, 'm', HOSTILE], [0.05, 'o', `${HOSTILE}\r\nHOSTILE-SHOWN\r\n`]],
  });
  // The relay's log beside the recordings, as the demo leaves it: the refusals come from there.
  const relayLog = join(dir.path, 'relay-log');
  await mkdir(relayLog);
  await writeAuditLog(relayLog, refusalEvents(), '2026-03-01T10:30:00.000Z');
  server = await startPlayServer({ dir: dir.path, jwks: keys.jwks, label: dir.path, refusals: { rows: () => refusalsIn(dataDirAuditEntries(relayLog)) } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await dir?.remove();
});

async function openPage() {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, problems };
}

describe('hkubectl play', () => {
  it('lists every session, newest first, with time, identity, command, decision, reason, approver, risk, exit code, duration and status', async () => {
    const { page, problems } = await openPage();
    const rows = await page.$$eval('#sessions tbody tr:not(.refusal)', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => r[2])).toEqual([`kubectl logs ${HOSTILE}`, 'kubectl get secrets -n staging', 'kubectl scale deployment/web --replicas=5 -n prod', 'kubectl get pods -n prod']);
    expect(rows[2]).toEqual(['Mar 1, 2026 11:00:00 AM UTC', 'agent-7', 'kubectl scale deployment/web --replicas=5 -n prod', 'prod', 'approved by alice@bank.example', 'checking the rollout', 'alice@bank.example', '60', '0', '0 ms', 'verifiedlocal mode']);
    expect(rows[3]![4]).toBe('allowed by rule reads');
    expect(rows[3]![1]).toBe('agent-7@bank.example');
    // The recorded time itself is on hover.
    expect(await page.getAttribute('tr[data-session="approved"] td.time', 'title')).toBe('2026-03-01T11:00:00Z');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lists the blocked, denied and expired requests among the sessions, with rule and message, and opens one', async () => {
    const { page, problems } = await openPage();
    expect(await page.$$eval('#sessions tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-session')))).toEqual(['hostile', 'altered', 'approved', 'refusal-5', 'refusal-3', 'refusal-1', 'good']);
    expect(await page.textContent('tr[data-session="refusal-3"] .badge')).toBe('DENIED');
    expect(await page.textContent('tr[data-session="refusal-3"] td.decision')).toBe('denied by alice@bank.examplenot during the freeze');
    expect(await page.textContent('tr[data-session="refusal-1"] td.decision')).toBe('blocked by rule no-namespace-deletesdeleting a namespace is never allowed');
    await page.selectOption('#status-filter', 'refused');
    expect(await page.$$eval('#sessions tbody tr', (trs) => trs.length)).toBe(3);
    await page.selectOption('#status-filter', '');
    await page.click('tr[data-session="refusal-3"]');
    await page.waitForSelector('#detail:not([hidden])');
    expect(new URL(page.url()).hash).toBe('#/session/refusal-3');
    const trail = await page.$$eval('#trail dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
    expect(trail).toMatchObject({ approver: 'alice@bank.example', justification: 'not during the freeze', rule: 'writes-in-production', 'approval request': 'req-denied' });
    expect(await page.textContent('#player')).toContain('No session ran: the request was denied');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows times in the viewer's own time zone", async () => {
    const tokyo = await launchBrowser({ timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    try {
      const page = await tokyo.context.newPage();
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.textContent('tr[data-session="approved"] td.time')).toBe('1 Mar 2026 20:00:00 GMT+9');
      expect(await page.getAttribute('tr[data-session="approved"] td.time', 'title')).toBe('2026-03-01T11:00:00Z');
    } finally {
      await tokyo.close();
    }
  });

  it('flags a recording that no longer matches its signed manifest', async () => {
    const { page } = await openPage();
    const badge = page.locator('tr[data-session="altered"] .badge');
    expect(await badge.textContent()).toBe('TAMPERED');
    expect(await badge.getAttribute('class')).toContain('badge-tampered');
    await page.click('tr[data-session="altered"]');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.textContent('#detail-status')).toBe('TAMPERED');
    expect(await page.textContent('#detail-problems')).toMatch(/cast sha256 is .* the recording was altered/);
    // Nothing the relay observed vouches for these hand-signed sessions: the page says so.
    expect(await page.textContent('#detail-evidence')).toMatch(/^evidence: local mode: not tamper-proof \(/);
    await page.close();
  });

  it('filters by search words and by status', async () => {
    const { page } = await openPage();
    await page.fill('#search', 'INC-1234');
    expect(await page.$$eval('#sessions tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-session')))).toEqual(['approved']);
    await page.fill('#search', '');
    await page.selectOption('#status-filter', 'tampered');
    expect(await page.$$eval('#sessions tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-session')))).toEqual(['altered']);
    await page.close();
  });

  it('plays a session in asciinema-player with its approval trail and markers beside it', async () => {
    const { page, problems } = await openPage();
    await page.click('tr[data-session="good"]');
    await expect.poll(() => page.textContent('#player'), { timeout: 15_000 }).toContain('RECORDED-TEXT');
    expect(await page.textContent('#markers')).toContain('decision: allow by rule reads (risk 5)');
    await page.click('tr[data-session="approved"]');
    await expect.poll(() => page.textContent('#trail'), { timeout: 15_000 }).toContain('INC-1234');
    const trail = await page.$$eval('#trail dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
    expect(trail).toMatchObject({ approver: 'alice@bank.example', justification: 'INC-1234 traffic spike', 'approval request': 'req-42', decision: 'approved by alice@bank.example (rule prod-writes)', 'approved at': 'Mar 1, 2026 11:00:00 AM UTC', risk: '60' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows recorded <script> and markup as text and never runs it', async () => {
    const { page, problems } = await openPage();
    await page.click('tr[data-session="hostile"]');
    await expect.poll(() => page.textContent('#player'), { timeout: 15_000 }).toContain('HOSTILE-SHOWN');
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__pwned)).toBeUndefined();
    expect(await page.textContent('#markers')).toContain(HOSTILE);
    expect(await page.textContent('#detail-title')).toBe(`kubectl logs ${HOSTILE}`);
    expect(await page.locator('#list script, #detail script, #list img, #detail img').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('serves a strict Content-Security-Policy and refuses other Host names', async () => {
    const page = await request(server.url);
    expect(page.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    await page.body.text();
    const rebound = await request(server.url, { headers: { host: 'evil.example' } });
    expect(rebound.statusCode).toBe(421);
    await rebound.body.text();
    const cast = await request(`${server.url}api/sessions/hostile/cast`);
    expect(cast.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(cast.headers['x-content-type-options']).toBe('nosniff');
    await cast.body.text();
  });
});
