// What only the agent's machine can know about a command, sent to the relay with it: how its
// kubeconfig settles the connection overrides, and which plugin file kubectl will exec. The relay
// parses argv itself and takes from these facts only what argv allows (a plugin name kubectl
// could have picked from those words), so a wrapper that says nothing is decided more strictly,
// never less.
import { settleOverrides, type KubeconfigFacts } from './connection-overrides.ts';
import type { CommandIntent } from './intent.ts';
import { isCandidateName, type PluginRef } from './plugins.ts';

export interface LocalFacts {
  kubeconfig: KubeconfigFacts | null;
  /** The plugin file kubectl will exec, as found on the agent's PATH; null when there is none. */
  plugin: PluginRef | null;
}

/** Where kubectl will connect, as the agent's machine resolved it from its kubeconfig. */
export interface LocalTarget {
  context?: string | null;
  cluster?: string | null;
  namespace?: string | null;
  local?: LocalFacts | null;
}

/**
 * The intent the relay decides on: argv's own parse, with the context, cluster and namespace
 * kubectl will really use (an empty `-n ""` names none, as clientcmd reads it) and the local facts.
 */
export function withLocalTarget(argv: readonly string[], parsed: CommandIntent, target: LocalTarget): CommandIntent {
  const local = target.local ?? null;
  const reported = local?.plugin ?? null;
  const plugin = reported !== null && isCandidateName(argv, reported.name) ? reported : parsed.plugin;
  return {
    ...parsed,
    namespace: parsed.namespace || target.namespace || null,
    context: target.context ?? parsed.context,
    cluster: target.cluster ?? parsed.cluster,
    overrides: settleOverrides(parsed.overrides, local?.kubeconfig ?? null),
    plugin,
  };
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Validates facts from a request body; returns the problem as text for the caller's 400. */
export function readLocalFacts(raw: unknown): LocalFacts | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'an object with "kubeconfig" and "plugin"';
  const { kubeconfig, plugin } = raw as Record<string, unknown>;
  const facts: LocalFacts = { kubeconfig: null, plugin: null };
  if (kubeconfig !== null && kubeconfig !== undefined) {
    const k = kubeconfig as Record<string, unknown>;
    if (typeof k !== 'object' || typeof k.kubeconfigIsOwn !== 'boolean' || !(k.currentContext === null || (typeof k.currentContext === 'string' && k.currentContext.length <= 253))) {
      return 'kubeconfig: { kubeconfigIsOwn: boolean, currentContext: string or null }';
    }
    facts.kubeconfig = { kubeconfigIsOwn: k.kubeconfigIsOwn, currentContext: k.currentContext as string | null };
  }
  if (plugin !== null && plugin !== undefined) {
    const p = plugin as Record<string, unknown>;
    if (typeof p !== 'object' || typeof p.name !== 'string' || p.name.length > 1024 || typeof p.path !== 'string' || p.path.length > 4096 || typeof p.sha256 !== 'string' || !SHA256.test(p.sha256)) {
      return 'plugin: { name, path, sha256 (64 hex digits) }';
    }
    facts.plugin = { name: p.name, path: p.path, sha256: p.sha256 };
  }
  return facts;
}
