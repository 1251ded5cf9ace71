// The kubeconfig a sandbox writes. It marks itself as a sandbox twice, so that replay
// re-execution (which refuses any other cluster) can check either:
//   - the context and cluster carry an extension named `hkubectl.dev/sandbox` (value `true`);
//   - the context name defaults to `sandbox` (see isSandboxContext for the rule callers use).
// The extension also says whether the sandbox's pods run jailed (`isolation: bubblewrap`) or as
// host processes (`isolation: none`): replay re-execution refuses the latter (sandboxIsolation).
import { stringify } from 'yaml';

export const SANDBOX_EXTENSION = 'hkubectl.dev/sandbox';

export type KubeconfigInput = { server: string; caPem: string; token: string; contextName: string; isolated: boolean };

export function buildKubeconfig(input: KubeconfigInput): string {
  const marker = [{ name: SANDBOX_EXTENSION, extension: { sandbox: true, isolation: input.isolated ? 'bubblewrap' : 'none' } }];
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: input.contextName,
        cluster: {
          server: input.server,
          'certificate-authority-data': Buffer.from(input.caPem).toString('base64'),
          extensions: marker,
        },
      },
    ],
    users: [{ name: `${input.contextName}-user`, user: { token: input.token } }],
    contexts: [
      {
        name: input.contextName,
        context: { cluster: input.contextName, user: `${input.contextName}-user`, namespace: 'default', extensions: marker },
      },
    ],
    'current-context': input.contextName,
    preferences: {},
  };
  return stringify(doc);
}

type Extension = { name?: string; extension?: { isolation?: unknown } | null };

type KubeconfigDoc = {
  contexts?: { name?: string; context?: { cluster?: string; extensions?: Extension[] } }[];
  clusters?: { name?: string; cluster?: { extensions?: Extension[] } }[];
};

/** True when the named context (or its cluster) carries the sandbox extension written above. */
export function isSandboxContext(kubeconfig: KubeconfigDoc, contextName: string): boolean {
  const context = kubeconfig.contexts?.find((c) => c.name === contextName);
  if (!context) return false;
  const marked = (exts?: { name?: string }[]) => (exts ?? []).some((e) => e.name === SANDBOX_EXTENSION);
  if (marked(context.context?.extensions)) return true;
  const cluster = kubeconfig.clusters?.find((c) => c.name === context.context?.cluster);
  return marked(cluster?.cluster?.extensions);
}

/**
 * Whether the named sandbox context's pods run jailed, as its sandbox wrote at start. A marker
 * without the field (a sandbox from before jails) counts as not isolated.
 */
export function sandboxIsolation(kubeconfig: KubeconfigDoc, contextName: string): 'bubblewrap' | 'none' {
  const context = kubeconfig.contexts?.find((c) => c.name === contextName);
  const cluster = kubeconfig.clusters?.find((c) => c.name === context?.context?.cluster);
  const markers = [...(context?.context?.extensions ?? []), ...(cluster?.cluster?.extensions ?? [])].filter((e) => e.name === SANDBOX_EXTENSION);
  return markers.length > 0 && markers.every((e) => e.extension?.isolation === 'bubblewrap') ? 'bubblewrap' : 'none';
}
