// The relay's moving parts in one place: the log, the state folded from it, the keys, and the
// one way to change anything (`commit`: append, fold, fsync, then wake the waiters).
import type { TokenVerifier } from '../../auth/verify-token.ts';
import type { Policy } from '../../policy/types.ts';
import type { AuditEntry, AuditEvent } from '../../contract/audit-chain.ts';
import type { AuditLog } from './store/audit-log.ts';
import type { KeyStore } from './keys.ts';
import type { RelayLimits } from './limits.ts';
import { ANY_REQUEST, type Notifier } from './notifier.ts';
import type { RelayState } from './state.ts';

export type RelayCore = {
  policy: Policy;
  state: RelayState;
  log: AuditLog;
  keys: KeyStore;
  notifier: Notifier;
  verifier: TokenVerifier;
  now: () => number;
  randomId: () => string;
  /** Groups whose members may list requests (the policy's approver groups, from every rule). */
  approverGroups: ReadonlySet<string>;
  /** Groups whose members may read the audit log (approvers and configured auditors). */
  auditorGroups: ReadonlySet<string>;
  maxWaitMs: number;
  /** Where the relay keeps its copies of session recordings and manifests. */
  sessionsDir: string;
  /** Body pacing, recording sizes and daily quotas (limits.ts). */
  limits: RelayLimits;
  /** Sessions with an upload in flight: one at a time, and none closed meanwhile. */
  uploading: Set<string>;
  /** `state.version` as of the last change that is durable. */
  publishedVersion(): number;
  commit(event: AuditEvent): Promise<AuditEntry>;
};

export function allApproverGroups(policy: Policy): Set<string> {
  return new Set([...policy.approverGroups, ...policy.fallback.approval.groups, ...policy.rules.flatMap((rule) => rule.approval.groups)]);
}

/** The approval requests an entry changes: waiters on them are woken. */
function requestsTouched(entry: AuditEntry): string[] {
  switch (entry.type) {
    case 'decision': return [entry.requestId, entry.consumes].filter((id): id is string => typeof id === 'string');
    case 'review':
    case 'expire': return [entry.requestId];
    default: return [];
  }
}

type Parts = Omit<RelayCore, 'commit' | 'publishedVersion'>;

export function createCore(parts: Parts): RelayCore {
  let published = parts.state.version;
  return {
    ...parts,
    publishedVersion: () => published,
    async commit(event) {
      const { entry, durable } = parts.log.append(event);
      const before = parts.state.version;
      parts.state.apply(entry);
      const changed = parts.state.version !== before;
      const version = parts.state.version;
      await durable;
      if (changed) {
        published = Math.max(published, version);
        for (const id of requestsTouched(entry)) parts.notifier.notify(id);
        parts.notifier.notify(ANY_REQUEST);
      }
      return entry;
    },
  };
}
