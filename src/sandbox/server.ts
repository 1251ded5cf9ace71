// The HTTPS front: every request and upgrade goes through the gate (authentication,
// impersonation, RBAC), then discovery and OpenAPI, the REST resources, and the upgrades (exec
// over WebSocket; port-forward over WebSocket-tunnelled or plain SPDY).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { AGGREGATED_TYPE, AGGREGATED_TYPE_V2BETA1, VERSION_INFO, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, legacyApiVersions } from './discovery.ts';
import { EXEC_PROTOCOLS, parseExecQuery, runExec } from './exec.ts';
import { sendError, sendJson, sendStatus } from './http.ts';
import { openApiDocument, openApiIndex } from './openapi.ts';
import type { Cluster } from './operations.ts';
import type { PodPorts } from './portforward.ts';
import { PORTFORWARD_WS_PROTOCOL, servePortForward } from './portforward.ts';
import type { LogSource } from './rest.ts';
import { handleResource } from './rest.ts';
import type { Gate, Refused } from './gate.ts';
import type { ReviewDeps } from './reviews.ts';
import { routeOf } from './routes.ts';
import type { PodRuntime } from './runtime.ts';
import type { Status } from './status.ts';
import { StatusError, notFoundPath, status } from './status.ts';

export type ApiServerDeps = { cluster: Cluster; runtime: PodRuntime; ports: PodPorts; logs: LogSource; gate: Gate; rbac: ReviewDeps; certPem: string; keyPem: string };

const TUNNEL_STAND_IN = 'hk-sandbox-spdy-tunnel';

/** A refusal from the gate: a Status, or the plain text the apiserver's InternalError writes. */
function sendRefusal(res: ServerResponse, refused: Refused): void {
  if ('status' in refused) return sendStatus(res, refused.status);
  const body = `${refused.plain.text}\n`;
  res.writeHead(refused.plain.code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function rejectUpgradeRefusal(socket: Duplex, refused: Refused): void {
  if ('status' in refused) return rejectUpgrade(socket, refused.status);
  const body = `${refused.plain.text}\n`;
  socket.end(`HTTP/1.1 ${refused.plain.code} Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function discovery(req: IncomingMessage, res: ServerResponse, pathname: string, host: string): boolean {
  const accept = req.headers.accept ?? '';
  const aggregated = /as=APIGroupDiscoveryList/.test(accept);
  const beta = aggregated && !/v=v2;/.test(`${accept};`) && /v=v2beta1/.test(accept);
  const parts = pathname.split('/').filter(Boolean);
  if (pathname === '/version') sendJson(res, 200, VERSION_INFO);
  else if (pathname === '/api' || pathname === '/apis') {
    const core = pathname === '/api';
    if (aggregated) sendJson(res, 200, aggregatedDiscovery(core, beta ? 'apidiscovery.k8s.io/v2beta1' : 'apidiscovery.k8s.io/v2'), beta ? AGGREGATED_TYPE_V2BETA1 : AGGREGATED_TYPE);
    else sendJson(res, 200, core ? legacyApiVersions(host) : apiGroupList());
  } else if (parts[0] === 'api' && parts.length === 2) {
    const list = apiResourceList('', parts[1]!);
    if (!list) throw notFoundPath();
    sendJson(res, 200, list);
  } else if (parts[0] === 'apis' && (parts.length === 2 || parts.length === 3)) {
    const doc = parts.length === 2 ? apiGroup(parts[1]!) : apiResourceList(parts[1]!, parts[2]!);
    if (!doc) throw notFoundPath();
    sendJson(res, 200, doc);
  } else if (parts[0] === 'openapi' && parts[1] === 'v3') {
    if (parts.length === 2) return sendJson(res, 200, openApiIndex().doc), true;
    const [group, version] = parts[2] === 'api' ? ['', parts[3]] : [parts[3], parts[4]];
    const doc = version ? openApiDocument(group ?? '', version) : undefined;
    if (!doc) throw notFoundPath();
    sendJson(res, 200, doc);
  } else if (pathname === '/healthz' || pathname === '/livez' || pathname === '/readyz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  } else return false;
  return true;
}

function rejectUpgrade(socket: Duplex, s: Status): void {
  const body = JSON.stringify(s);
  socket.end(`HTTP/1.1 ${s.code} ${s.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function createApiServer(deps: ApiServerDeps): { server: Server; wss: WebSocketServer; closeUpgraded: () => void } {
  const { cluster, gate } = deps;
  const server = createServer({ cert: deps.certPem, key: deps.keyPem });
  // Upgraded sockets leave the server's bookkeeping; plain-SPDY ones are tracked here for stop().
  const spdySockets = new Set<Duplex>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered, req) => {
      const wanted = /\/portforward(\?|$)/.test(req.url ?? '') ? [TUNNEL_STAND_IN] : EXEC_PROTOCOLS;
      return wanted.find((p) => offered.has(p)) ?? false;
    },
  });

  wss.on('headers', (headers) => {
    const at = headers.indexOf(`Sec-WebSocket-Protocol: ${TUNNEL_STAND_IN}`);
    if (at >= 0) headers[at] = `Sec-WebSocket-Protocol: ${PORTFORWARD_WS_PROTOCOL}`;
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const admitted = gate.admit(req);
    if (!admitted.ok) {
      req.resume();
      return sendRefusal(res, admitted);
    }
    const { info, query, user } = admitted;
    (async () => {
      if (!info.isResourceRequest) {
        if (!discovery(req, res, info.path, req.headers.host ?? '')) throw notFoundPath();
        return;
      }
      await handleResource(cluster, deps.logs, req, res, routeOf(info), query, { user, rbac: deps.rbac });
    })().catch((error: unknown) => sendError(res, error));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const admitted = gate.admit(req);
    if (!admitted.ok) return rejectUpgradeRefusal(socket, admitted);
    try {
      const route = routeOf(admitted.info);
      const query = admitted.query;
      if (route.type.kind !== 'Pod' || !route.name || (route.sub !== 'exec' && route.sub !== 'portforward')) {
        return rejectUpgrade(socket, status(400, 'BadRequest', 'the sandbox upgrades only pods/exec and pods/portforward'));
      }
      const pod = cluster.store.mustGet(route.type, route.namespace, route.name);
      const upgrade = (req.headers.upgrade ?? '').toLowerCase();
      if (upgrade === 'websocket') {
        // `SPDY/3.1+portforward.k8s.io` is not an RFC 7230 token ('/'), which ws refuses to
        // parse: offer ws a stand-in and put the real name back in the response (see 'headers').
        if (route.sub === 'portforward' && (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).includes(PORTFORWARD_WS_PROTOCOL)) {
          req.headers['sec-websocket-protocol'] = TUNNEL_STAND_IN;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (route.sub === 'exec') return runExec(ws, deps.runtime, pod, parseExecQuery(query));
          const stream = createWebSocketDuplex(ws);
          servePortForward(stream, pod, deps.ports);
        });
      } else if (upgrade.startsWith('spdy/') && route.sub === 'portforward') {
        socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
        if (head.length > 0) socket.unshift(head);
        spdySockets.add(socket);
        socket.on('close', () => spdySockets.delete(socket));
        servePortForward(socket, pod, deps.ports);
      } else {
        rejectUpgrade(socket, status(400, 'BadRequest', `unsupported upgrade "${req.headers.upgrade ?? ''}" for pods/${route.sub}: the sandbox speaks WebSocket`));
      }
    } catch (error) {
      rejectUpgrade(socket, error instanceof StatusError ? error.status : status(500, 'InternalError', String(error)));
    }
  });
  const closeUpgraded = () => {
    for (const client of wss.clients) client.terminate();
    for (const socket of spdySockets) socket.destroy();
    wss.close();
  };
  return { server, wss, closeUpgraded };
}

function createWebSocketDuplex(ws: WebSocket): Duplex {
  const stream = createWebSocketStream(ws);
  stream.on('error', () => stream.destroy());
  return stream;
}
