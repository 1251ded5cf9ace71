// The kubeconfig a sandbox writes. It marks itself as a sandbox twice, so that replay
// re-execution (which refuses any other cluster) can check either:
//   - the context and cluster carry an extension named `hkubectl.dev/sandbox` (value `true`);
//   - the context name defaults to `sandbox` (see isSandboxContext for the rule callers use).
import { stringify } from 'yaml';

export const SANDBOX_EXTENSION = 'hkubectl.dev/sandbox';

export type KubeconfigInput = { server: string; caPem: string; token: string; contextName: string };

export function buildKubeconfig(input: KubeconfigInput): string {
  const marker = [{ name: SANDBOX_EXTENSION, extension: { sandbox: true } }];
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

type KubeconfigDoc = {
  contexts?: { name?: string; context?: { cluster?: string; extensions?: { name?: string }[] } }[];
  clusters?: { name?: string; cluster?: { extensions?: { name?: string }[] } }[];
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
