// --keep-running: after the story, say how to use the stack by hand and wait for Ctrl-C.
import type { ChalkInstance } from 'chalk';
import { whenAborted } from './abort.ts';
import { AGENT_EXPORTS } from './agent-env.ts';
import { shellLine, type Narrator } from './narrator.ts';
import { DEMO_AGENT, SCRIPTED_APPROVER } from './script.ts';

export async function keepRunning(options: {
  agentEnv: NodeJS.ProcessEnv;
  approverConfigDir: string;
  narrator: Narrator;
  out: NodeJS.WritableStream;
  color: ChalkInstance;
  signal: AbortSignal;
}): Promise<void> {
  const { out, color } = options;
  options.narrator.heading('The stack stays up until Ctrl-C. In another terminal:');
  out.write(`  export ${AGENT_EXPORTS.map((name) => `${name}=${shellLine([options.agentEnv[name] ?? ''])}`).join(' ')}\n`);
  out.write(`  hkubectl get pods -n prod   ${color.dim(`# as ${DEMO_AGENT}`)}\n`);
  out.write(`  HKUBECTL_CONFIG_DIR=${shellLine([options.approverConfigDir])} hkubectl approvals --watch   ${color.dim(`# as ${SCRIPTED_APPROVER}, the approver`)}\n`);
  await new Promise<void>((resolve) => whenAborted(options.signal, resolve));
  options.narrator.note('stopping the sandbox, the IdP and the relay');
}
