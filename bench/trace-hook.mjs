// Loaded into a bench's hkubectl process with `node --import` (never in normal use): stamps the
// moments a governed run goes through — relay requests (node:http's diagnostics channels), kubectl's
// spawn and exit, the first read of the kubeconfig — and writes them as JSON to
// $HK_BENCH_TRACE_DIR/<pid>.json when the process exits. Times are wall-clock ms, so the bench can
// line them up with when it spawned the process.
import { ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';

const now = () => performance.timeOrigin + performance.now();
const events = [{ at: performance.timeOrigin, what: 'process start' }, { at: now(), what: 'node ready' }];
const mark = (what) => events.push({ at: now(), what });

const label = (request) => `${request.method} ${request.path.split('?')[0].replace(/\/[0-9a-f-]{16,}|\/s-[\w-]+/g, '/:id')}`;
subscribe('http.client.request.start', ({ request }) => {
  mark(`request ${label(request)}`);
  request.once('socket', (socket) => {
    if (socket.connecting) socket.once('connect', () => mark('relay connected'));
  });
});
subscribe('http.client.response.finish', ({ request, response }) => {
  mark(`answer ${label(request)}`);
  response.once('end', () => {
    mark(`done ${label(request)}`);
    // What still holds the event loop open once an answer is in (the last one is what exit waits on).
    setImmediate(() => { resources = process.getActiveResourcesInfo(); });
  });
});
let resources = [];
process.once('beforeExit', () => mark('event loop empty (beforeExit)'));

const spawnChild = ChildProcess.prototype.spawn;
ChildProcess.prototype.spawn = function (options) {
  mark(`spawn ${options.file}`);
  const result = spawnChild.call(this, options);
  this.once('exit', () => mark(`exit ${options.file}`));
  return result;
};

const kubeconfig = process.env.KUBECONFIG;
const readFileSync = fs.readFileSync;
fs.readFileSync = function (path, ...rest) {
  if (kubeconfig && path === kubeconfig) mark('read kubeconfig');
  return readFileSync.call(this, path, ...rest);
};
// The session's own files after kubectl (cast fsync, spool, manifest) and the token cache reads.
const short = (path) => String(path).split('/').slice(-2).join('/').replace(/[0-9a-f]{8}-[0-9a-f-]{27,}/g, ':id').replace(/[0-9a-f]{32}/g, ':hash').replace(/-\d+(?=\.tmp-|$)/g, '-:pid');
for (const name of ['open', 'writeFile', 'rename', 'rm', 'readdir']) {
  const original = fs.promises[name];
  fs.promises[name] = async function (path, ...rest) {
    const at = now();
    try {
      return await original.call(this, path, ...rest);
    } finally {
      events.push({ at, what: `fs ${name} ${short(path)}`, ms: now() - at });
    }
  };
}
const fsyncSync = fs.fsyncSync;
fs.fsyncSync = function (...args) {
  const at = now();
  const result = fsyncSync.apply(this, args);
  events.push({ at, what: 'fsync (cast)', ms: now() - at });
  return result;
};
syncBuiltinESMExports();

process.on('exit', () => {
  mark('exit');
  const dir = process.env.HK_BENCH_TRACE_DIR;
  if (dir) fs.writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ events, resources }));
});
