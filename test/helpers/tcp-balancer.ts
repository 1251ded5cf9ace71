// A load balancer as small as it gets, on 127.0.0.1: each connection goes to the first backend
// that accepts it, in order. When the first relay dies, new connections go to the next one:
// what an agent's retry meets behind a real balancer with health checks.
import { connect, createServer, type Server, type Socket } from 'node:net';

export type Balancer = { url: string; close(): Promise<void> };

export async function startBalancer(backends: Array<{ host: string; port: number }>): Promise<Balancer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.pause();
    const attempt = (index: number) => {
      if (index >= backends.length) {
        client.destroy();
        return;
      }
      const upstream = connect(backends[index]!.port, backends[index]!.host);
      let connected = false;
      upstream.once('error', () => {
        if (!connected) attempt(index + 1);
        else client.destroy();
      });
      upstream.once('connect', () => {
        connected = true;
        sockets.add(upstream);
        upstream.once('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.on('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
