// The environment agent-7's hkubectl runs with: its kubeconfig without credentials (the relay holds
// the cluster's), login, relay (and the CA of its TLS certificate) and recordings dir, and from the user's own environment only what finds and runs kubectl. Nothing of the
// user's kubeconfig, hkubectl settings or kubectl cache reaches the demo, nor the other way.
import type { DemoStack } from './stack.ts';
import { DEMO_AGENT } from './script.ts';

const PASSED_THROUGH = ['PATH', 'HKUBECTL_KUBECTL', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'TERM'];

export function agentEnvironment(stack: DemoStack, recordingsDir: string, userEnv: NodeJS.ProcessEnv, waitForPerson: boolean): NodeJS.ProcessEnv {
  const passed = PASSED_THROUGH.filter((name) => userEnv[name] !== undefined);
  return {
    ...Object.fromEntries(passed.map((name) => [name, userEnv[name]])),
    HOME: stack.root,
    KUBECONFIG: stack.agentKubeconfig,
    NODE_EXTRA_CA_CERTS: stack.relayCaFile,
    KUBECACHEDIR: stack.kubeCacheDir,
    HKUBECTL_CONFIG_DIR: stack.configDirs[DEMO_AGENT],
    HKUBECTL_DATA_DIR: stack.agentDataDir,
    HKUBECTL_RELAY: stack.relay.url,
    HKUBECTL_RECORDINGS: recordingsDir,
    // A person may take a while to answer; the scripted approver answers at once, so a wait
    // that long means something is wrong and the demo should say so soon.
    HKUBECTL_WAIT: waitForPerson ? '10m' : '30s',
  };
}

/** The variables to export to drive the demo stack by hand (--keep-running). */
export const AGENT_EXPORTS = ['KUBECONFIG', 'NODE_EXTRA_CA_CERTS', 'KUBECACHEDIR', 'HKUBECTL_CONFIG_DIR', 'HKUBECTL_DATA_DIR', 'HKUBECTL_RELAY', 'HKUBECTL_RECORDINGS'] as const;
