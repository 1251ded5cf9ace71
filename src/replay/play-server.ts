// `hkubectl play`: the auditor's page on 127.0.0.1. Read-only JSON API over a recordings
// directory plus the page and the player's files. Recorded content is only ever sent as JSON or
// as the raw .cast (text/plain, nosniff), and the page runs under a CSP that allows scripts from
// this origin alone, so a recorded `<script>` cannot run.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { playerAssets } from './web/assets.ts';
import { APP_SCRIPT } from './web/app-script.ts';
import { PAGE_CSS, pageHtml } from './web/page.ts';
import { displayCastBody } from './display-cast.ts';
import { byStartDescending, sessionDetail } from './session-detail.ts';
import { rowOf } from './session-model.ts';
import { checkDirectory, checkSession, type Jwks, type SessionCheck } from './verification.ts';
import { pairIn, type SkippedFile } from '../recording/session-files.ts';
import type { RefusalRow } from './refusals.ts';

export const PLAY_CSP = [
  "default-src 'none'",
  // The player renders the terminal with a WebAssembly module.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PlayOptions {
  dir: string;
  jwks: Jwks | null;
  /** Shown in the page header (the directory, or the relay it was fetched from). */
  label: string;
  port?: number;
  /**
   * Requests that never became a session (from the relay's audit log), or why there are none to
   * show: the page says so rather than let an empty list pass for "nothing was refused".
   */
  refusals?: { rows: () => Promise<RefusalRow[]> } | { unavailable: string };
}

export interface PlayServer {
  url: string;
  close(): Promise<void>;
}

const SESSION_PATH = /^\/api\/sessions\/([A-Za-z0-9._-]+)(\/cast)?$/;

export async function startPlayServer(options: PlayOptions): Promise<PlayServer> {
  const assets = await playerAssets();
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: pageHtml({ title: 'hkubectl sessions', inline: null }) },
    '/assets/player.js': { type: 'text/javascript; charset=utf-8', body: assets.js },
    '/assets/player.css': { type: 'text/css; charset=utf-8', body: assets.css },
    '/assets/app.js': { type: 'text/javascript; charset=utf-8', body: APP_SCRIPT },
    '/assets/app.css': { type: 'text/css; charset=utf-8', body: PAGE_CSS },
  };
  let port = 0;

  /** The session's regular files in the directory, verified; null when it has none there. */
  async function check(session: string): Promise<SessionCheck | null> {
    const files = await pairIn(options.dir, session, []);
    const path = files.manifestPath ?? files.castPath;
    return path === null ? null : checkSession(path, options.jwks);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only this machine's own name for the server: a page on another site that rebinds its DNS
    // name to 127.0.0.1 sends its own Host and gets nothing.
    if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`) return send(res, 421, 'text/plain', 'wrong host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'read-only\n');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = files[path];
    if (file) return send(res, 200, file.type, file.body);
    if (path === '/favicon.ico') return send(res, 204, 'text/plain', '');
    if (path === '/api/sessions') {
      const { checks, skipped } = await checkDirectory(options.dir, options.jwks);
      const refusals = options.refusals ?? { unavailable: 'Refused requests (blocked, denied, expired) are not shown: no audit log was given.' };
      return sendJson(res, 200, {
        source: options.label, sessions: checks.map(rowOf).sort(byStartDescending), skipped: skipped.map(skippedName),
        ...('rows' in refusals ? { refusals: await refusals.rows() } : { refusals: [], refusalsNote: refusals.unavailable }),
      });
    }
    const match = SESSION_PATH.exec(path);
    const found = match ? await check(match[1]!) : null;
    if (!match || !found) return sendJson(res, 404, { error: 'no such session' });
    if (!match[2]) return sendJson(res, 200, await sessionDetail(found));
    if (!found.castPath) return sendJson(res, 404, { error: 'this session has no recording', problems: found.problems });
    // Drawn as a terminal would have shown it: an older pipe recording's bare LFs become CR LF.
    const body = await displayCastBody(found);
    if (body.problem !== null) return sendJson(res, 422, { error: body.problem });
    return send(res, 200, 'text/plain; charset=utf-8', body.text);
  }

  /** A skipped entry as the page shows it: its name in the directory and what it is. */
  function skippedName(entry: SkippedFile): { name: string; why: string } {
    return { name: entry.path.slice(entry.path.lastIndexOf('/') + 1), why: entry.why };
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const SECURITY_HEADERS = {
  'content-security-policy': PLAY_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
};

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) return void res.destroy();
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
