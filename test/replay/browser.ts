// Real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with a fresh
// profile per launch and no network beyond loopback.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** The page shows times in the viewer's zone and locale: fixed here (en-US, UTC unless asked) so tests can read them. */
export async function launchBrowser(viewer: { timezoneId?: string; locale?: string } = {}): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'hk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    timezoneId: viewer.timezoneId ?? 'UTC',
    locale: viewer.locale ?? 'en-US',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
