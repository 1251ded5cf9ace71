// The bundle's index.html: opens from disk with no network, player included. Scripts and styles
// are inline, allowed by their sha256 in a Content-Security-Policy meta tag (nothing else may
// run); the sessions are JSON in a <script type="application/json"> block that the page reads
// with JSON.parse, never as markup. The page is returned as the text before and after that JSON,
// so the sessions can be streamed into it.
import { createHash } from 'node:crypto';
import { APP_SCRIPT } from '../web/app-script.ts';
import type { PlayerAssets } from '../web/assets.ts';
import { PAGE_CSS, pageHtml } from '../web/page.ts';

const DATA = '\u0000HK-DATA\u0000';

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export function offlinePage(assets: PlayerAssets, title: string): { before: string; after: string } {
  for (const [name, text] of [['player script', assets.js], ['player styles', assets.css]] as const) {
    // Inline code must not be able to end its own element.
    if (/<\/(script|style)/i.test(text)) throw new Error(`the ${name} cannot be inlined: it contains a closing tag`);
  }
  const csp = [
    "default-src 'none'",
    `script-src ${hash(assets.js)} ${hash(APP_SCRIPT)} 'wasm-unsafe-eval'`,
    `style-src ${hash(assets.css)} ${hash(PAGE_CSS)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const html = pageHtml({ title, inline: { playerJs: assets.js, playerCss: assets.css, appJs: APP_SCRIPT, dataJson: DATA, csp } });
  const at = html.indexOf(DATA);
  return { before: html.slice(0, at), after: html.slice(at + DATA.length) };
}
