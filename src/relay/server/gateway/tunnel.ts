// Upgraded connections (exec, attach, port-forward: WebSocket v5.channel.k8s.io, or SPDY/3.1 as
// kubectl falls back to): once decided, the request goes to the cluster with the relay's
// credential and the session's impersonation, and from then on bytes pass both ways unchanged
// (reading the frames is for a later change), counted for the record.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { upstreamHeaders, upstreamPath, type ActAs, type Upstream } from './upstream.ts';

export type TunnelEnd = { bytesIn: number; bytesOut: number; how: string };

/** Opens the upstream connection, sends the upgrade request, and splices the two sockets. */
export function openTunnel(req: IncomingMessage, client: Duplex, head: Buffer, upstream: Upstream, apiTarget: string, actAs: ActAs, onEnd: (end: TunnelEnd) => void): (how: string) => void {
  const { url } = upstream;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const server: Socket = url.protocol === 'https:'
    ? tlsConnect({ host: url.hostname, port, servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname, ...upstream.tls })
    : netConnect({ host: url.hostname, port });
  let bytesIn = 0;
  let bytesOut = 0;
  let ended = false;
  const end = (how: string) => {
    if (ended) return;
    ended = true;
    client.destroy();
    server.destroy();
    onEnd({ bytesIn, bytesOut, how });
  };
  server.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
    const headers = upstreamHeaders(req.headers, upstream, actAs, { upgrade: true });
    const lines = [`${req.method} ${upstreamPath(upstream, apiTarget)} HTTP/1.1`];
    for (const [name, value] of Object.entries(headers)) {
      for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(one)}`);
    }
    server.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) server.write(head);
    client.on('data', (chunk: Buffer) => {
      bytesIn += chunk.length;
      if (!server.write(chunk)) client.pause();
    });
    server.on('drain', () => client.resume());
    server.on('data', (chunk: Buffer) => {
      bytesOut += chunk.length;
      if (!client.write(chunk)) server.pause();
    });
    client.on('drain', () => server.resume());
  });
  server.on('error', (error) => end(`upstream-error: ${error.message}`));
  client.on('error', (error) => end(`client-error: ${error.message}`));
  server.on('close', () => end('upstream-closed'));
  client.on('close', () => end('client-closed'));
  return (how: string) => end(how);
}
