// A relay that brokers one cluster played by a loopback HTTP server the test scripts: for what
// the sandbox will not do on demand (a Warning header with a credential in it) and for counts of
// requests the real API server would make slow. Grants come from the relay's HTTP API as the
// agent gets them; requests to the gateway are plain HTTP to the relay's loopback listener.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AllowAnswer } from '../../../../src/contract/relay-api.ts';
import type { SessionDraft } from '../../../../src/contract/manifest.ts';
import { loadPolicy } from '../../../../src/policy/load.ts';
import type { Relay, RelayOptions } from '../../../../src/relay/server/server.ts';
import type { World } from '../../fixtures.ts';

export type FakeCluster = {
  url: string;
  /** `METHOD path` of each request that reached it. */
  seen: string[];
  close(): Promise<void>;
};

/** The fake cluster answers with `answer(req, res)`; by default an empty PodList. */
export async function startFakeCluster(answer?: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeCluster> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    if (answer) return answer(req, res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export const ALLOW_ALL = loadPolicy(`version: 1
approvers: { groups: [approvers] }
risk: { approveAt: 101, denyAt: 101 }
defaults: { action: allow, mask: standard, record: true }
rules: []
`, 'allow-all.yaml');

export function brokering(cluster: FakeCluster, extra: Partial<RelayOptions> = {}): Partial<RelayOptions> {
  return { policy: ALLOW_ALL, clusters: [{ name: 'fake', server: cluster.url, credential: { token: 'relay-own-token' } }], ...extra };
}

/** An allowed command's answer, with its grant, as agent-7. */
export async function grantFor(world: World, relay: Relay, argv: string[]): Promise<AllowAnswer & { gateway: NonNullable<AllowAnswer['gateway']> }> {
  const answer = await world.client(relay, 'agent-7').submit({ argv, kubeCluster: 'fake', cluster: null, namespace: 'prod', reason: 'a test' });
  if (answer.decision !== 'allow' || !answer.gateway) throw new Error(`expected an allow with a grant, got ${JSON.stringify(answer)}`);
  return answer as never;
}

/** One request to the gateway with the grant. */
export async function viaGateway(grant: { server: string; token: string }, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${grant.server}${path}`, { ...init, headers: { authorization: `Bearer ${grant.token}`, ...(init.headers as Record<string, string> | undefined) } });
}

export async function closeSession(world: World, relay: Relay, sessionId: string, mask = 'standard'): Promise<void> {
  const now = new Date().toISOString();
  const draft: SessionDraft = { hk: 1, session: sessionId, cast: null, startedAt: now, endedAt: now, exitCode: 0, signal: null, terminal: false, masking: { profile: mask, counts: {} } };
  await world.client(relay, 'agent-7').closeSession(sessionId, draft);
}
