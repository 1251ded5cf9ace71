// `?watch=true`: a chunked stream of {"type":…,"object":…} lines, resumable from a
// resourceVersion. With `as=Table` each event carries a one-row Table, as the apiserver sends.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from './object.ts';
import type { ResourceType } from './resources.ts';
import type { Selector } from './selectors.ts';
import type { Change, Store } from './store.ts';
import type { IncludeObject } from './tables.ts';
import { toTable } from './tables.ts';

export type WatchRequest = {
  type: ResourceType;
  namespace?: string;
  matches: Selector;
  resourceVersion?: string;
  timeoutSeconds?: number;
  table?: { include: IncludeObject };
};

export function serveWatch(store: Store, now: () => Date, req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
  const since = w.resourceVersion && w.resourceVersion !== '0' ? Number(w.resourceVersion) : undefined;
  let headersSent = false;
  const encode = (type: string, object: KubeObject) => {
    const body = w.table ? toTable(w.type, [object], { now: now(), include: w.table.include, resourceVersion: object.metadata.resourceVersion ?? '', headers: !headersSent }) : object;
    headersSent = true;
    return `${JSON.stringify({ type, object: body })}\n`;
  };
  const relevant = (c: Change) => c.resource === w.type && (w.namespace === undefined || c.object.metadata.namespace === w.namespace) && w.matches(c.object);

  // Subscribing may throw 410 Expired; do it before the 200 goes out.
  const buffered: Change[] = [];
  let live = false;
  const unsubscribe = store.watch(since ?? Number(store.resourceVersion), (c) => {
    if (!relevant(c)) return;
    if (live) res.write(encode(c.type, c.object));
    else buffered.push(c);
  });
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
  // Clients wait for the headers before they count the watch as established.
  res.flushHeaders();
  if (since === undefined) {
    // No resourceVersion: the current state first, as synthetic ADDED events.
    for (const obj of store.list(w.type, w.namespace)) if (w.matches(obj)) res.write(encode('ADDED', obj));
  }
  for (const c of buffered) res.write(encode(c.type, c.object));
  live = true;

  const timer = setTimeout(() => res.end(), (w.timeoutSeconds ?? 1800) * 1000);
  const stop = () => {
    clearTimeout(timer);
    unsubscribe();
  };
  res.on('close', stop);
  req.on('close', stop);
}
