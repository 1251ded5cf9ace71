import { describe, expect, it } from 'vitest';
import { createRelayClient } from '../../../src/relay/client/client.ts';
import { RelayUnreachableError } from '../../../src/relay/client/client-errors.ts';
import { closedPort } from '../../helpers/ports.ts';

describe('relay client', () => {
  it('fails closed with a temporary error (exit 75) naming the relay URL when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const client = createRelayClient({ url, token: 'x' });
    const failure = await client.submit({ argv: ['get', 'pods'] }).catch((error: unknown) => error);
    await client.close();
    expect(failure).toBeInstanceOf(RelayUnreachableError);
    expect(failure).toMatchObject({ code: 'ERR_RELAY_UNREACHABLE', exitCode: 75, message: `cannot reach the policy relay at ${url}: connection refused` });
  });
});
