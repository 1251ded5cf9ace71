import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRelayClient } from '../../../src/relay/client/client.ts';
import { RelayUnreachableError } from '../../../src/relay/client/client-errors.ts';
import { generateSandboxTls } from '../../../src/sandbox/tls.ts';
import { closedPort } from '../../helpers/ports.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listening(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function failureOf(url: string, urlSource?: string): Promise<{ code?: string; exitCode?: number; message?: string; hint?: string }> {
  const client = createRelayClient({ url, token: 'x', timeoutMs: 5_000, ...(urlSource ? { urlSource } : {}) });
  try {
    return await client.health().then(() => ({}), (error: unknown) => error as never);
  } finally {
    await client.close();
  }
}

describe('relay client', () => {
  it('fails closed with a temporary error (exit 75) naming the relay URL when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const client = createRelayClient({ url, token: 'x' });
    const failure = await client.submit({ argv: ['get', 'pods'] }).catch((error: unknown) => error);
    await client.close();
    expect(failure).toBeInstanceOf(RelayUnreachableError);
    expect(failure).toMatchObject({ code: 'ERR_RELAY_UNREACHABLE', exitCode: 75, message: `cannot reach the policy relay at ${url}: connection refused` });
  });

  it('names the setting the URL came from, as the user spelt it, in the hint', async () => {
    const failure = await failureOf(`http://127.0.0.1:${await closedPort()}`, '--hk-relay');
    expect(failure.hint).toBe('nothing was run; check --hk-relay and that the relay is up, then retry');
  });

  it('says what a bare 404 means: a wrong path, or not a relay at all', async () => {
    const port = await listening(createServer((_req, res) => res.writeHead(404).end('Not Found')));
    const failure = await failureOf(`http://127.0.0.1:${port}/wrong`);
    expect(failure).toMatchObject({
      code: 'ERR_NOT_A_RELAY',
      message: `http://127.0.0.1:${port}/wrong answered 404 Not Found: the URL has a wrong path, or the server there is not an hkubectl relay`,
    });
  });

  it('turns an https URL for a relay that speaks http into one line saying so', async () => {
    const port = await listening(createServer((_req, res) => res.end('{}')));
    const failure = await failureOf(`https://127.0.0.1:${port}`);
    expect(failure).toMatchObject({ code: 'ERR_RELAY_UNREACHABLE', exitCode: 75 });
    expect(failure.message).toBe(`cannot reach the policy relay at https://127.0.0.1:${port}: the relay speaks http, not https (use an http:// URL, or give the relay a TLS certificate)`);
  });

  it('turns an http URL for a relay that speaks https, and an untrusted certificate, into lines that say what to change', async () => {
    const tls = generateSandboxTls();
    const port = await listening(createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('{}')));
    const plain = await failureOf(`http://127.0.0.1:${port}`);
    expect(plain.message).toContain('if the relay speaks https, use an https:// URL');
    const untrusted = await failureOf(`https://127.0.0.1:${port}`);
    expect(untrusted.message).toMatch(/its TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: .*\); give hkubectl the relay's CA with NODE_EXTRA_CA_CERTS$/);
    for (const failure of [plain, untrusted]) expect(failure.message).not.toContain('\n');
  });
});
