// A real identity provider (the project's oidc-provider dev IdP) with the preset people signed
// in through the real device flow, and relays started on 127.0.0.1:0 that trust it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevIdp, type DevIdp } from '../../src/auth/dev-idp.ts';
import { getValidToken } from '../../src/auth/session-token.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { createRelayClient, type RelayClient } from '../../src/relay/client/client.ts';
import { startRelay, type Relay, type RelayOptions } from '../../src/relay/server/server.ts';
import { configFor, loginAs } from '../auth/fixtures/login.ts';

export type Person = 'agent-7' | 'alice' | 'bob';

export type World = {
  idp: DevIdp;
  tokens: Record<Person, string>;
  /** Each person's HKUBECTL_CONFIG_DIR, signed in. */
  configDirs: Record<Person, string>;
  root: string;
  verifier: ReturnType<typeof createTokenVerifier>;
  dataDir(): Promise<string>;
  relay(options?: Partial<RelayOptions>): Promise<Relay>;
  client(relay: Relay | string, person?: Person): RelayClient;
  close(): Promise<void>;
};

/** Signs `person` in; their hkubectl config dir (HKUBECTL_CONFIG_DIR) holds the session. */
export async function loginFor(idp: DevIdp, root: string, person: string, audience?: string): Promise<{ token: string; configDir: string }> {
  const configDir = await mkdtemp(join(root, `${person}-`));
  await loginAs(idp, join(configDir, 'tokens'), person, audience);
  const { token } = await getValidToken({ config: configFor(idp, configDir, audience ? { audience } : {}), tokenDir: join(configDir, 'tokens') });
  return { token, configDir };
}

export async function tokenFor(idp: DevIdp, root: string, person: string, audience?: string): Promise<string> {
  return (await loginFor(idp, root, person, audience)).token;
}

export async function startWorld(): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'hk-relay-'));
  const idp = await startDevIdp({ pollInterval: 0.1 });
  const people: Person[] = ['agent-7', 'alice', 'bob'];
  const logins = await Promise.all(people.map(async (person) => [person, await loginFor(idp, root, person)] as const));
  const tokens = Object.fromEntries(logins.map(([person, login]) => [person, login.token])) as Record<Person, string>;
  const configDirs = Object.fromEntries(logins.map(([person, login]) => [person, login.configDir])) as Record<Person, string>;
  const verifier = createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience: idp.clientId }], clockToleranceSec: 0 });
  const relays: Relay[] = [];
  const clients: RelayClient[] = [];
  return {
    idp, tokens, configDirs, root, verifier,
    dataDir: () => mkdtemp(join(root, 'data-')),
    async relay(options = {}) {
      const relay = await startRelay({ dataDir: options.dataDir ?? await mkdtemp(join(root, 'data-')), policy: defaultPolicy(), verifier, ...options });
      relays.push(relay);
      return relay;
    },
    client(relay, person) {
      const client = createRelayClient({ url: typeof relay === 'string' ? relay : relay.url, ...(person ? { token: tokens[person] } : {}) });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await Promise.allSettled(relays.map((relay) => relay.stop()));
      await idp.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
