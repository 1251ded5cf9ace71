// An allow decision on a cluster the relay brokers comes with a session grant: the scope from the
// relay's own parse of the command, the lifetime from what it does, logged (as a hash) before the
// answer leaves.
import type { DecisionEvent } from '../../../contract/audit-events.ts';
import type { GatewayGrant } from '../../../contract/relay-api.ts';
import type { CommandIntent } from '../../../kubectl/intent.ts';
import type { ClusterTarget } from './clusters.ts';
import { mintGrant } from './grant.ts';
import { grantClassOf, type GrantDurations } from './lifetime.ts';
import { scopeOf } from './scope.ts';

export type GatewayIssuer = {
  durations: GrantDurations;
  /** The relay's own URL as clients reach it (known once it listens). */
  url(): string;
  caPem?: string;
};

export function gatewayServer(relayUrl: string, cluster: string): string {
  return `${relayUrl.replace(/\/+$/, '')}/gateway/${cluster}`;
}

export function issueGrant(issuer: GatewayIssuer, cluster: ClusterTarget, decision: DecisionEvent, intent: CommandIntent, nowMs: number) {
  const expiresAt = new Date(nowMs + issuer.durations[grantClassOf(intent)]).toISOString();
  const { token, event } = mintGrant({
    sessionId: decision.sessionId!, by: decision.requester, cluster: cluster.name, scope: scopeOf(intent, decision.consumes !== undefined), expiresAt,
  });
  const grant: GatewayGrant = {
    cluster: cluster.name, server: gatewayServer(issuer.url(), cluster.name), token, expiresAt, ...(issuer.caPem ? { caPem: issuer.caPem } : {}),
  };
  return { event, grant };
}
