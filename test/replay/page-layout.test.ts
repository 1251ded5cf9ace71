// The auditor's page as a person uses it, in a real Chromium: one address per session (back and
// forward move between them), bad sessions flagged without breaking the list, commands wrapping
// at word boundaries and identities whole, at 1280 and 1920 pixels wide. Screenshots are kept in
// test/replay/screenshots/ (not committed) for a person to look at.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayServer, type PlayServer } from '../../src/replay/play-server.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { relayKeys, tempDir, writeSession } from './fixtures.ts';

// The functions given to page.evaluate run in the browser, where these exist.
declare const document: any;
declare const NodeFilter: any;

const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const LONG_IDENTITY = 'payments-reconciliation-agent-prod-eu-west-1@agents.bank.example';
const LONG_COMMAND = ['patch', 'deployment/payments-reconciliation-worker', '-n', 'payments-prod', '--type', 'merge', '-p', '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-03-01T12:00:00Z"}}}}}'];

let dir: { path: string; remove(): Promise<void> };
let server: PlayServer;
let browser: TestBrowser;

beforeAll(async () => {
  dir = await tempDir('hk-page-');
  const keys = await relayKeys();
  await writeSession(dir.path, keys, { session: 'reads', argv: ['get', 'pods', '-n', 'prod'], namespace: 'prod', startedAt: '2026-03-01T09:00:00Z' });
  await writeSession(dir.path, keys, {
    session: 'approved', argv: LONG_COMMAND, verb: 'patch', namespace: 'payments-prod', startedAt: '2026-03-01T10:00:00Z', email: LONG_IDENTITY, rule: 'writes-in-production', risk: 60,
    approval: { requestId: 'req-42', approver: 'alice', justification: 'INC-1234: restart after the config change, agreed with the on-call' },
  });
  await writeSession(dir.path, keys, { session: 'altered', argv: ['get', 'secrets', '-n', 'staging'], namespace: 'staging', startedAt: '2026-03-01T11:00:00Z' });
  const altered = join(dir.path, 'altered.cast');
  await writeFile(altered, (await readFile(altered, 'utf8')).replace('web-1', 'web-9'));
  await writeSession(dir.path, keys, { session: 'unsigned', argv: ['scale', 'deploy/web', '--replicas=2', '-n', 'staging'], namespace: 'staging', startedAt: '2026-03-01T12:00:00Z', unsigned: true });
  server = await startPlayServer({ dir: dir.path, jwks: keys.jwks, label: dir.path });
  browser = await launchBrowser();
  await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await dir?.remove();
});

async function openPage(width: number, hash = '') {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(server.url + hash);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, problems };
}

describe('the auditor\'s page', () => {
  it('gives each session its own address, opens it from a shared link, and moves back and forward', async () => {
    const { page, problems } = await openPage(1280, '#/session/approved');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.textContent('#detail-title')).toBe(`kubectl ${LONG_COMMAND.join(' ')}`);
    await page.click('tr[data-session="reads"]');
    await expect.poll(() => page.textContent('#detail-title')).toBe('kubectl get pods -n prod');
    expect(new URL(page.url()).hash).toBe('#/session/reads');
    await page.goBack();
    await expect.poll(() => page.textContent('#detail-title')).toBe(`kubectl ${LONG_COMMAND.join(' ')}`);
    expect(new URL(page.url()).hash).toBe('#/session/approved');
    await page.goForward();
    await expect.poll(() => page.textContent('#detail-title')).toBe('kubectl get pods -n prod');
    expect(await page.getAttribute('tr[data-session="reads"]', 'class')).toContain('selected');
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const width of [1280, 1920]) {
    it(`holds its layout at ${width} px: badges in place, commands wrapped at spaces, identities whole`, async () => {
      const { page, problems } = await openPage(width, '#/session/altered');
      await page.waitForSelector('#detail:not([hidden])');
      await page.screenshot({ path: join(SHOTS, `page-${width}.png`), fullPage: true });
      // Nothing wider than the window: no horizontal scrolling of the page.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // Nor does the list scroll sideways: every column is in view.
      expect(await page.$eval('#list', (list) => list.scrollWidth - list.clientWidth)).toBeLessThanOrEqual(0);
      // Every session stays listed, each badge on one line inside its cell.
      expect(await page.$$eval('#sessions tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-session')))).toEqual(['unsigned', 'altered', 'approved', 'reads']);
      for (const session of ['altered', 'unsigned']) {
        const badge = await page.locator(`tr[data-session="${session}"] .badge`).boundingBox();
        const cell = await page.locator(`tr[data-session="${session}"] td:last-child`).boundingBox();
        expect(badge!.height).toBeLessThan(24);
        expect(badge!.x + badge!.width).toBeLessThanOrEqual(cell!.x + cell!.width + 0.5);
      }
      // The detail's badge is the status alone; the problems are a list beside it, wrapped.
      const status = await page.locator('#detail-status').boundingBox();
      expect(status!.height).toBeLessThan(24);
      expect(await page.textContent('#detail-problems')).toMatch(/the recording was altered/);
      // The long command wraps only between words (or inside the one word too long for any line).
      const lines = await page.$eval('tr[data-session="approved"] td.command', (td) => {
        const range = document.createRange();
        const tops = new Map<number, string>();
        const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        for (let text = walker.nextNode(); text !== null; text = walker.nextNode()) {
          for (let i = 0; i < text.textContent!.length; i += 1) {
            range.setStart(text, i);
            range.setEnd(text, i + 1);
            const rect = range.getBoundingClientRect();
            if (rect.width === 0) continue;
            const top = Math.round(rect.top);
            tops.set(top, (tops.get(top) ?? '') + text.textContent![i]);
          }
        }
        return [...tops.values()];
      });
      const words = `kubectl ${LONG_COMMAND.join(' ')}`.split(' ');
      const tooLong = words.filter((word) => word.length > 40);
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) {
        // Every piece of a line is a whole word, or a piece of the one word too long for any line.
        for (const piece of line.trim().split(' ')) {
          expect(words.includes(piece) || tooLong.some((word) => word.includes(piece)), `${JSON.stringify(piece)} in ${JSON.stringify(line)}`).toBe(true);
        }
      }
      // The identity is on one line.
      // The identity breaks, if at all, only before its @: each part is on one line.
      const identityParts = await page.$$eval('tr[data-session="approved"] td:nth-child(2) .part', (parts) => parts.map((part) => {
        const range = document.createRange();
        range.selectNodeContents(part);
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
      }));
      expect(identityParts.length).toBe(2);
      expect(identityParts.every((lines) => lines === 1)).toBe(true);
      expect(await page.locator('tr[data-session="approved"] td.identity').first().textContent()).toBe(LONG_IDENTITY);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
