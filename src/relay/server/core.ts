// The relay's moving parts in one place: the store, the state folded from its entries, the keys,
// and the one way to change anything (`commit`: append, fold, wait until durable, then wake the
// waiters).
import type { TokenVerifier } from '../../auth/verify-token.ts';
import type { Policy } from '../../policy/types.ts';
import type { AuditEntry, AuditEvent } from '../../contract/audit-chain.ts';
import type { ChainHead, RelayStore } from './store/store.ts';
import type { KeyStore } from './keys.ts';
import type { RelayLimits } from './limits.ts';
import { ANY_REQUEST, type Notifier } from './notifier.ts';
import { RelayState } from './state.ts';
import { isAppendConflict } from './store/store.ts';
import type { ClusterTarget } from './gateway/clusters.ts';
import type { GatewayIssuer } from './gateway/issue.ts';
import type { SessionRecords } from './gateway/record.ts';
import type { RefusalLog } from './gateway/refusal-log.ts';

/** The gateway's settings: the clusters it brokers, grant lifetimes, and the records of its sessions. */
export type GatewayCore = GatewayIssuer & { clusters: readonly ClusterTarget[]; records: SessionRecords; refusals: RefusalLog };

export type RelayCore = {
  policy: Policy;
  state: RelayState;
  store: RelayStore;
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
  /** Body pacing, recording sizes (`limits.maxCastBytes`: the largest .cast accepted) and daily quotas (limits.ts). */
  limits: RelayLimits;
  /** Sessions with an upload in flight: one at a time, and none closed meanwhile. */
  uploading: Set<string>;
  /** Signs a checkpoint of the last durable head (see checkpoints.ts). */
  checkpoint(): Promise<void>;
  gateway: GatewayCore;
  /** `state.version` as of the last change that is durable. */
  publishedVersion(): number;
  /** The last entry known to be durable (what a checkpoint may sign). */
  lastDurable(): ChainHead;
  /**
   * Settles once entry `seq` is durable, or was taken back by a failed write. The state shows an
   * entry from the moment it is sealed; what reads it back from the store waits for this first.
   */
  whenDurable(seq: number): Promise<void>;
  /** Appends (with `expectSeq`: only if the head is still that seq) and resolves once durable. */
  commit(event: AuditEvent, options?: { expectSeq?: number }): Promise<AuditEntry>;
  /** Folds an entry the store delivers into the state (the store's subscription listener). */
  fold(entry: AuditEntry): void;
  /**
   * Settles once the state holds entry `seq` (written by this relay or another one sharing the
   * store): what a relay does after losing a race, before it decides again.
   */
  caughtUp(seq: number): Promise<void>;
  /** The store took back entries after `head` (a failed write): the state forgets them. */
  rollback(head: ChainHead): void;
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

type Parts = Omit<RelayCore, 'commit' | 'publishedVersion' | 'lastDurable' | 'whenDurable' | 'fold' | 'rollback' | 'caughtUp'> & { head: ChainHead };

export function createCore({ head, ...parts }: Parts): RelayCore {
  let published = parts.state.version;
  let durable = head;
  /** seq → state version after it, for entries that changed the state and are not yet durable. */
  const changedBy = new Map<number, number>();
  /** Entries folded since a rollback, while the state is rebuilt from what is durable. */
  let rebuilding: { entries: AuditEntry[] } | null = null;
  /** Settles once the state no longer holds entries a failed write took back. */
  let rebuilt: Promise<void> = Promise.resolve();
  let durableWaiters: Array<{ seq: number; resolve: () => void }> = [];
  const settle = (upTo: number) => {
    const ready = durableWaiters.filter((waiter) => waiter.seq <= upTo);
    durableWaiters = durableWaiters.filter((waiter) => waiter.seq > upTo);
    for (const waiter of ready) waiter.resolve();
  };
  let folded = head.seq;
  let foldWaiters: Array<{ seq: number; resolve: () => void }> = [];
  const publish = (entry: AuditEntry, version: number) => {
    published = Math.max(published, version);
    for (const id of requestsTouched(entry)) parts.notifier.notify(id);
    parts.notifier.notify(ANY_REQUEST);
  };

  // Rebuilds the state from the store's durable entries up to `to`, then re-applies the entries
  // sealed meanwhile. Requests answered meanwhile see the old state at worst, as before the
  // failed write; a second rollback abandons this rebuild and starts another.
  async function rebuild(to: ChainHead, run: { entries: AuditEntry[] }): Promise<void> {
    const fresh = new RelayState();
    for await (const entry of parts.store.read({ toSeq: to.seq })) fresh.apply(entry);
    if (rebuilding !== run) return;
    for (const entry of run.entries) fresh.apply(entry);
    parts.state.adopt(fresh);
    rebuilding = null;
  }

  return {
    ...parts,
    publishedVersion: () => published,
    lastDurable: () => durable,
    whenDurable(seq) {
      if (seq <= durable.seq) return Promise.resolve();
      return new Promise((resolve) => durableWaiters.push({ seq, resolve }));
    },
    fold(entry) {
      rebuilding?.entries.push(entry);
      const before = parts.state.version;
      parts.state.apply(entry);
      const changed = parts.state.version !== before;
      if (parts.store.deliveredWhenDurable) {
        // A shared store delivers committed entries, this relay's and the others': whoever
        // waits on this relay for a request another relay answered is woken now.
        if (entry.seq > durable.seq) durable = { seq: entry.seq, hash: entry.hash };
        settle(durable.seq);
        if (changed) publish(entry, parts.state.version);
      } else if (changed) changedBy.set(entry.seq, parts.state.version);
      folded = Math.max(folded, entry.seq);
      const ready = foldWaiters.filter((waiter) => waiter.seq <= folded);
      foldWaiters = foldWaiters.filter((waiter) => waiter.seq > folded);
      for (const waiter of ready) waiter.resolve();
    },
    caughtUp(seq) {
      if (seq <= folded) return Promise.resolve();
      return new Promise((resolve) => foldWaiters.push({ seq, resolve }));
    },
    rollback(to) {
      for (const seq of changedBy.keys()) if (seq > to.seq) changedBy.delete(seq);
      const run = { entries: [] as AuditEntry[] };
      rebuilding = run;
      rebuilt = rebuild(to, run).catch(() => {
        // The log cannot be read back either: keep the folded state; writes keep failing closed.
      });
      // Entries after `to` will never be durable: whoever waits on them finds the rebuilt state.
      void rebuilt.then(() => settle(Number.POSITIVE_INFINITY));
    },
    async commit(event, options = {}) {
      let entry: AuditEntry | undefined;
      try {
        [entry] = await parts.store.append([event], options);
      } catch (error) {
        // Whoever hears of the failure must not then see the refused entry in the state.
        await rebuilt;
        throw error;
      }
      if (entry!.seq > durable.seq) durable = { seq: entry!.seq, hash: entry!.hash };
      settle(durable.seq);
      const version = changedBy.get(entry!.seq);
      changedBy.delete(entry!.seq);
      if (version !== undefined) publish(entry!, version);
      return entry!;
    },
  };
}

/**
 * Commits an event that names its own place in the chain (a manifest names the seq of the entry
 * that records it and the hash before it): built for the head as read, appended only if the head
 * is still there, built again if another writer got in first.
 */
export async function commitAtHead<E extends AuditEvent>(core: Pick<RelayCore, 'store' | 'commit'>, build: (chain: { seq: number; prev: string }) => E, attempts = 8): Promise<E> {
  // A shared store builds it while it holds the chain (its delivery then folds and publishes it).
  if (core.store.appendAtHead) {
    let built: E | undefined;
    await core.store.appendAtHead((chain) => (built = build(chain)));
    return built!;
  }
  for (let attempt = 1; ; attempt += 1) {
    const head = await core.store.head();
    const event = build({ seq: head.seq + 1, prev: head.hash });
    try {
      await core.commit(event, { expectSeq: head.seq });
      return event;
    } catch (error) {
      if (!isAppendConflict(error) || attempt >= attempts) throw error;
    }
  }
}
