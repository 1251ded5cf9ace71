// --keep-running: after the story, say how to use the stack by hand and wait until asked to stop:
// Ctrl-C, a signal to this process, or the end of the process that started it. `npx hkubectl demo`
// runs this process under npm and a shell; a SIGTERM or SIGINT sent to npm alone ends npm and the
// shell but not this process, which would otherwise keep the servers up with no one to stop them.
import type { ChalkInstance } from 'chalk';
import { whenAborted } from './abort.ts';
import { AGENT_EXPORTS } from './agent-env.ts';
import { shellLine, type Narrator } from './narrator.ts';
import { DEMO_AGENT, SCRIPTED_APPROVER } from './script.ts';

/** How often the parent is looked for: a stack left up a second longer is harmless. */
const PARENT_CHECK_MS = 500;

export async function keepRunning(options: {
  agentEnv: NodeJS.ProcessEnv;
  approverConfigDir: string;
  /** The sandbox administrator's kubeconfig (full rights: the relay is not in its path). */
  adminKubeconfig: string;
  /** Where the agent's relay keeps its data (audit log, keys, the gateway's records). */
  relayDataDir: string;
  /** The agent's login, for the kubeconfig exec example. */
  login: { issuer: string; clientId: string };
  narrator: Narrator;
  out: NodeJS.WritableStream;
  color: ChalkInstance;
  signal: AbortSignal;
  /** The parent's pid now and as it changes (tests pass their own); default: process.ppid. */
  parentPid?: () => number;
}): Promise<void> {
  const { out, color } = options;
  options.narrator.heading('The stack stays up until Ctrl-C. In another terminal:');
  out.write(`  export ${AGENT_EXPORTS.map((name) => `${name}=${shellLine([options.agentEnv[name] ?? ''])}`).join(' ')}\n`);
  out.write(`  hkubectl get pods -n prod   ${color.dim(`# as ${DEMO_AGENT}`)}\n`);
  out.write(`  HKUBECTL_CONFIG_DIR=${shellLine([options.approverConfigDir])} hkubectl approvals --watch   ${color.dim(`# as ${SCRIPTED_APPROVER}, the approver`)}\n`);
  out.write(`  KUBECONFIG=${shellLine([options.adminKubeconfig])} kubectl get pods -A   ${color.dim('# as the sandbox administrator (admin), without the relay')}\n`);
  out.write(`  relay data: ${options.relayDataDir}\n`);
  out.write(`\n  ${color.dim(`# a kubeconfig user that takes ${DEMO_AGENT}'s login as its credential (hkubectl token, as kubelogin's get-token does):`)}\n`);
  for (const line of execUserYaml(options.login, options.agentEnv.HKUBECTL_CONFIG_DIR ?? '')) out.write(`  ${line}\n`);
  out.write(`\n  This demo is process ${process.pid}: stop it with Ctrl-C here, or \`kill ${process.pid}\` from anywhere.\n`);

  const parentPid = options.parentPid ?? (() => process.ppid);
  const startedUnder = parentPid();
  await new Promise<void>((resolve) => {
    let parentGone = false;
    const watch = setInterval(() => {
      if (parentPid() === startedUnder) return;
      parentGone = true;
      done();
    }, PARENT_CHECK_MS);
    const release = whenAborted(options.signal, () => done());
    function done() {
      clearInterval(watch);
      release();
      if (parentGone) options.narrator.note(`the process that started this demo (${startedUnder}) has ended`);
      resolve();
    }
  });
  options.narrator.note('stopping the sandbox, the IdP and the relay');
}

/** The kubeconfig `users[]` entry, YAML lines. */
export function execUserYaml(login: { issuer: string; clientId: string }, configDir: string): string[] {
  return [
    'users:',
    `- name: ${DEMO_AGENT}`,
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1',
    '      command: hkubectl',
    `      args: [token, --issuer, ${JSON.stringify(login.issuer)}, --client-id, ${JSON.stringify(login.clientId)}]`,
    `      env: [{name: HKUBECTL_CONFIG_DIR, value: ${JSON.stringify(configDir)}}]`,
    '      interactiveMode: Never',
  ];
}
