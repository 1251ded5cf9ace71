// `kubectl port-forward`: SPDY/3.1 streams (spdy-transport does the framing), carried either in
// WebSocket binary messages (subprotocol `SPDY/3.1+portforward.k8s.io`, kubectl's default since
// v1.31) or on a plain `Upgrade: SPDY/3.1` connection (its fallback). kubectl opens an error
// stream and a data stream per connection, tied by the `requestid` header; the data stream is
// piped to the pod's port, here the sandbox's HTTP echo for each port the pod declares.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SpdyStream } from 'spdy-transport';
import type { KubeObject } from './object.ts';
import type { PodRuntime } from './runtime.ts';
import { spdyServerConnection } from './spdy.ts';

export const PORTFORWARD_WS_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

type Echo = { server: Server; port: Promise<number> };

/** One loopback HTTP echo per (pod, port), standing in for the container's listener. */
export class PodPorts {
  private readonly echoes = new Map<string, Echo>();
  constructor(private readonly runtime: PodRuntime) {}

  declared(pod: KubeObject, port: number): boolean {
    return ((pod.spec?.containers ?? []) as { ports?: { containerPort: number }[] }[]).some((c) => (c.ports ?? []).some((p) => p.containerPort === port));
  }

  target(pod: KubeObject, port: number): Promise<number> {
    const key = `${pod.metadata.uid}/${port}`;
    let echo = this.echoes.get(key);
    if (!echo) {
      const container = ((pod.spec?.containers ?? []) as { name: string; ports?: { containerPort: number }[] }[]).find((c) => (c.ports ?? []).some((p) => p.containerPort === port));
      const server = createServer((req, res) => {
        const state = this.runtime.state(pod);
        if (state && container) this.runtime.appendLog(state, container.name, `${req.method} ${req.url} 200\n`);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`hello from ${pod.metadata.namespace}/${pod.metadata.name} port ${port}\n${req.method} ${req.url}\n`);
      });
      const listening = new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
      });
      echo = { server, port: listening };
      this.echoes.set(key, echo);
    }
    return echo.port;
  }

  release(uid: string | undefined): void {
    for (const [key, echo] of this.echoes) {
      if (key.startsWith(`${uid}/`)) {
        echo.server.closeAllConnections();
        echo.server.close();
        this.echoes.delete(key);
      }
    }
  }

  close(): void {
    for (const echo of this.echoes.values()) {
      echo.server.closeAllConnections();
      echo.server.close();
    }
    this.echoes.clear();
  }
}

/** Serves one port-forward session on an already-upgraded byte stream. */
export function servePortForward(socket: Duplex, pod: KubeObject, ports: PodPorts): void {
  const connection = spdyServerConnection(socket);
  const errorStreams = new Map<string, SpdyStream>();
  const upstreams = new Set<Socket>();

  const fail = (requestId: string, port: number, message: string) => {
    const errorStream = errorStreams.get(requestId);
    errorStream?.end(`error forwarding port ${port} to pod ${pod.metadata.name}, uid ${pod.metadata.uid}: ${message}`);
  };

  connection.on('stream', (stream: SpdyStream) => {
    stream.on('error', () => {});
    stream.respond(200, {});
    const kind = stream.headers.streamtype;
    const requestId = stream.headers.requestid ?? '';
    const port = Number(stream.headers.port);
    if (kind === 'error') {
      errorStreams.set(requestId, stream);
      stream.resume();
      return;
    }
    if (kind !== 'data') {
      stream.end();
      return;
    }
    if (!ports.declared(pod, port)) {
      fail(requestId, port, `dial tcp 127.0.0.1:${port}: connect: connection refused`);
      stream.end();
      return;
    }
    ports.target(pod, port).then((local) => {
      const upstream = connect(local, '127.0.0.1');
      upstreams.add(upstream);
      upstream.on('error', (error) => fail(requestId, port, error.message));
      upstream.on('close', () => {
        upstreams.delete(upstream);
        stream.end();
        errorStreams.get(requestId)?.end();
        errorStreams.delete(requestId);
      });
      stream.on('close', () => upstream.end());
      stream.pipe(upstream).pipe(stream);
    }, (error: Error) => fail(requestId, port, error.message));
  });

  const teardown = () => {
    for (const u of upstreams) u.destroy();
    upstreams.clear();
  };
  connection.on('error', teardown);
  connection.on('close', teardown);
  socket.on('close', teardown);
  socket.on('error', teardown);
}
