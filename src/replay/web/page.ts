// The auditor's page shell. Static markup only: everything recorded is filled in by the app
// script with textContent. `inline` puts the scripts and styles into the page (offline bundle);
// otherwise they are separate files that the strict Content-Security-Policy allows ('self').
export const PAGE_CSS = `
body { font: 14px system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
header { padding: 12px 20px; background: #1d2430; color: #fff; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
#source { opacity: .75; }
.filters { display: flex; gap: 8px; padding: 12px 20px; align-items: center; }
.filters input { flex: 1; max-width: 420px; padding: 6px; }
/* The list above the open session: every column of the list keeps the page's whole width. */
main { display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px; padding: 0 20px 20px; align-items: start; }
#list { min-width: 0; overflow: auto; max-height: 85vh; }
main:has(#detail:not([hidden])) #list { max-height: 40vh; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { text-align: left; padding: 4px 5px; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
th { font-size: 12px; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: #eef3fb; }
tbody tr.selected { outline: 2px solid #3b6fd4; outline-offset: -2px; }
/* Commands wrap at word boundaries (a word longer than the cell breaks only as a last resort);
   identities and times never break inside. */
td.command { font-family: ui-monospace, monospace; min-width: 14ch; }
#player { max-width: 1200px; }
td.command .word { display: inline-block; max-width: 100%; overflow-wrap: anywhere; }
/* A time breaks, if at all, between its date and its time of day. */
td.time .part { display: inline-block; white-space: nowrap; }
td.time { min-width: 9ch; }
td.exit, td.duration, td.risk { white-space: nowrap; }
td.decision .why { display: block; color: #5b6472; font-size: 12px; overflow-wrap: anywhere; }
td.reason { min-width: 10ch; max-width: 28ch; overflow-wrap: break-word; color: #3a4250; }
tr.refusal { background: #fff7ed; }
.badge-refused { background: #9a3412; color: #fff; font-weight: bold; }
.badge-expired { background: #e5e7eb; color: #374151; }
/* An identity breaks only before its @, never inside a name. */
td.identity .part { display: inline-block; white-space: nowrap; }
td.decision { min-width: 10ch; }
.badge { display: inline-block; padding: 1px 6px; border-radius: 8px; font-size: 12px; white-space: nowrap; }
#detail-problems { margin: 4px 0 8px; padding-left: 20px; color: #7f1d1d; overflow-wrap: anywhere; }
#notes .warning { color: #7f1d1d; }
#notes { padding: 0 20px; }
.badge-verified { background: #d9f2de; color: #14532d; }
.badge-unsigned, .badge-unknown-key { background: #fdf0c8; color: #6b4f00; }
.badge-tampered, .badge-missing-recording { background: #b91c1c; color: #fff; font-weight: bold; }
.mode-local { display: block; font-size: 11px; color: #6b4f00; white-space: nowrap; }
#detail-evidence { margin: 4px 0; overflow-wrap: anywhere; } #detail-evidence.warning { color: #6b4f00; }
tr.status-tampered, tr.status-missing-recording { background: #fde8e8; }
#detail { min-width: 0; background: #fff; padding: 12px; border: 1px solid #e3e6ea; }
#detail h2 { font: 14px ui-monospace, monospace; overflow-wrap: break-word; }
.side { display: flex; gap: 16px; flex-wrap: wrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
dt { color: #5b6472; } dd { margin: 0; overflow-wrap: anywhere; }
#markers li { cursor: pointer; } #markers .time { color: #5b6472; font-family: ui-monospace, monospace; }
#error { color: #b91c1c; padding: 0 20px; }
.note { color: #5b6472; }
`;

export interface PageParts {
  title: string;
  /** Inline (offline) or linked (served) scripts and styles. */
  inline: { playerJs: string; playerCss: string; appJs: string; dataJson: string; csp: string } | null;
}

export function pageHtml(parts: PageParts): string {
  const head = parts.inline
    ? `<style>${parts.inline.playerCss}</style><style>${PAGE_CSS}</style>`
    : '<link rel="stylesheet" href="assets/player.css"><link rel="stylesheet" href="assets/app.css">';
  const scripts = parts.inline
    ? `<script type="application/json" id="hk-data">${parts.inline.dataJson}</script><script>${parts.inline.playerJs}</script><script>${parts.inline.appJs}</script>`
    : '<script src="assets/player.js"></script><script src="assets/app.js"></script>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">${parts.inline ? `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(parts.inline.csp)}">` : ''}
<title>${escapeHtml(parts.title)}</title>${head}</head>
<body>
<header><h1>${escapeHtml(parts.title)}</h1><span id="source"></span><span id="count"></span></header>
<div class="filters">
<input id="search" type="search" placeholder="search identity, command, approver, justification…" autocomplete="off">
<select id="status-filter"><option value="">any status</option><option value="verified">verified</option><option value="unsigned">unsigned</option><option value="tampered">tampered</option><option value="missing-recording">missing recording</option><option value="unknown-key">unknown key</option><option value="refused">refused (no session)</option></select>
<select id="namespace-filter"><option value="">any namespace</option></select>
</div>
<p id="error" hidden></p>
<div id="notes"></div>
<main>
<div id="list"><table id="sessions"><thead><tr><th>time</th><th>identity</th><th>command</th><th>namespace</th><th>decision</th><th>reason</th><th>approver</th><th>risk</th><th>exit</th><th>duration</th><th>verification</th></tr></thead><tbody></tbody></table></div>
<section id="detail" hidden>
<h2 id="detail-title"></h2><p><span id="detail-status"></span></p><p id="detail-evidence"></p><ul id="detail-problems"></ul>
<div id="player"></div>
<div class="side"><div><h3>Approval trail</h3><dl id="trail"></dl></div><div><h3>Markers</h3><ol id="markers"></ol></div></div>
</section>
</main>
${scripts}
</body></html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside a <script> element: no `<` can close it or open a comment. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
