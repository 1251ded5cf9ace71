// `hkubectl demo` from start to end: start the stack, sign the agent (and the approver) in,
// play the scripted session with the real hkubectl as child processes, answer approvals, then
// write the relay's keys beside the recordings, verify them and say what to run next. Whatever
// happens, the servers stop and the temp dir goes; only the recordings stay.
import { join } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { auditLogFile, relayLog } from '../recording/verify-chain.ts';
import { reportLines } from '../recording/verify-report.ts';
import type { RelayClient } from '../relay/client/client.ts';
import { AUDIT_LOG_FILE } from '../relay/server/server.ts';
import { agentEnvironment } from './agent-env.ts';
import { approverRelayClient } from './approver-client.ts';
import type { Approver } from './approver.ts';
import { writeJwksBeside } from './jwks-file.ts';
import { copyRelayLog } from './relay-log.ts';
import { keepRunning } from './keep-running.ts';
import { loginAgent, loginInProcess } from './login.ts';
import { createNarrator, type Narrator } from './narrator.ts';
import { displayPath, nextSteps, type NextStep } from './next-steps.ts';
import { playStep, type StepResult } from './play-step.ts';
import { playSkipStep } from './skip-step.ts';
import { DEMO_AGENT, DEMO_SCRIPT, SCRIPTED_APPROVER } from './script.ts';
import type { DemoStore } from './relay-store.ts';
import { startDemoStack, type DemoStack } from './stack.ts';
import { verifyRun, type SessionOutcome } from './verify-run.ts';

export interface DemoOptions {
  /** Absolute path of the recordings directory (created, and holding no earlier recordings). */
  dir: string;
  approver: Approver;
  /** A person answers approvals: the agent waits longer for them. */
  interactive: boolean;
  /** After the story, leave the stack up until `signal` aborts. */
  keepRunning: boolean;
  /** Where the story goes (stdout, or stderr when stdout carries the JSON summary). */
  out: NodeJS.WritableStream;
  color: ChalkInstance;
  cwd: string;
  /** The user's environment: what finds and runs kubectl reaches the agent's hkubectl. */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Files in the temp dir (the default), or relays on a PostgreSQL database. */
  store?: DemoStore;
}

export interface DemoSummary {
  dir: string;
  jwks: string;
  steps: StepResult[];
  sessions: SessionOutcome[];
  verified: boolean;
  next: NextStep[];
  durationMs: number;
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  const { color, out, signal } = options;
  const narrator = createNarrator(out, color);
  const shownDir = displayPath(options.dir, options.cwd);
  out.write(`${color.bold('hkubectl demo')} — the whole chain on 127.0.0.1: no cluster, no identity provider, nothing to set up.\n`);

  const stack = await startDemoStack(stackProgress(narrator), options.store);
  let approverClient: RelayClient | null = null;
  try {
    signal.throwIfAborted();
    const agentEnv = agentEnvironment(stack, options.dir, options.env, options.interactive);

    narrator.heading(`${DEMO_AGENT} signs in once, with the OAuth device flow`);
    narrator.note(`its config.yaml names the IdP and the relay; its recordings go to ${shownDir}`);
    await Promise.all([
      loginAgent({ idp: stack.idp, person: DEMO_AGENT, env: agentEnv, narrator, signal }),
      loginInProcess(stack.idp, SCRIPTED_APPROVER, stack.configDirs[SCRIPTED_APPROVER], signal),
    ]);
    narrator.note(`${SCRIPTED_APPROVER} (group approvers) signed in the same way, to answer approval requests`);
    approverClient = approverRelayClient(stack.configDirs[SCRIPTED_APPROVER], stack.approverRelay.url, stack.relayCaPem);
    if (stack.approverRelay !== stack.relay) narrator.note(`${DEMO_AGENT} talks to ${stack.relay.url}, ${SCRIPTED_APPROVER} to ${stack.approverRelay.url}: each approval crosses relays`);

    narrator.heading(`${DEMO_AGENT}'s session: each command is the real hkubectl, run as an agent runs it`);
    const steps: StepResult[] = [];
    for (const [index, step] of DEMO_SCRIPT.entries()) {
      signal.throwIfAborted();
      steps.push(await playStep({
        step, number: index + 1, env: agentEnv, narrator, color,
        approverName: SCRIPTED_APPROVER, approverClient, approver: options.approver, signal,
      }));
    }

    signal.throwIfAborted();
    await playSkipStep({ number: DEMO_SCRIPT.length + 1, env: agentEnv, gatewayUrl: `${stack.relay.url}/gateway/sandbox`, caFile: stack.relayCaFile, narrator, signal });

    signal.throwIfAborted();
    narrator.heading(`Recordings in ${shownDir}, checked against the relay's public keys and audit log`);
    const jwks = await writeJwksBeside(options.dir, await approverClient.jwks());
    narrator.note(`the relay's public keys: ${displayPath(jwks.path, options.cwd)}`);
    // On a database there is no log file: the chain is read through the relay, as an auditor may.
    const chain = stack.relay.log ? auditLogFile(auditLogOf(stack)) : relayLog(approverClient);
    const verification = await verifyRun({ dir: options.dir, client: approverClient, jwks: jwks.jwks, chain });
    for (const line of reportLines(verification.results)) narrator.output(line, 'stdout');
    verification.assertVerified();
    narrator.good(`all ${verification.sessions.length} sessions verified: signature, .cast hash, place in the relay's audit chain`);

    // A file store's log goes with the demo's temp dir, so it is copied; a database keeps its own.
    let auditLog: { data: string } | { store: string };
    if (stack.relay.log) {
      const copy = await copyRelayLog(stack.relay.dataDir, options.dir);
      narrator.note(`the relay's audit log, for a complete evidence bundle: ${displayPath(copy, options.cwd)}`);
      auditLog = { data: displayPath(copy, options.cwd) };
    } else {
      auditLog = { store: stack.relay.store.location };
    }
    const next = nextSteps(shownDir, verification.replaySession, auditLog);
    narrator.heading('Next: look at what was recorded');
    const width = Math.max(...next.map((step) => step.command.length));
    for (const step of next) out.write(`  ${step.command.padEnd(width)}  ${color.dim(`# ${step.what}`)}\n`);
    if (options.keepRunning) {
      await keepRunning({
        agentEnv, approverConfigDir: stack.configDirs[SCRIPTED_APPROVER], adminKubeconfig: stack.sandbox.kubeconfigPath, relayDataDir: stack.relay.dataDir, login: { issuer: stack.idp.issuer, clientId: stack.idp.clientId }, narrator, out, color, signal });
    }
    out.write('\n');
    return {
      dir: options.dir, jwks: jwks.path, steps, sessions: verification.sessions, verified: true, next, durationMs: Date.now() - started,
    };
  } finally {
    await approverClient?.close();
    await stack.stop();
  }
}

function stackProgress(narrator: Narrator): Parameters<typeof startDemoStack>[0] {
  return {
    sandbox: (sandbox) => {
      narrator.heading('A sandbox Kubernetes API server (namespaces prod and staging, deployments, a database Secret)');
      narrator.note(`${sandbox.url}, kubeconfig ${sandbox.kubeconfigPath}`);
      narrator.note(sandbox.isolation.isolated ? `pods jailed by ${sandbox.isolation.description}` : `pods run as HOST processes, NOT isolated: ${sandbox.isolation.reason}`);
    },
    idp: (idp) => {
      narrator.heading(`A development OIDC identity provider with the device flow (users ${DEMO_AGENT}, alice, bob)`);
      narrator.note(idp.issuer);
    },
    relay: (relay) => {
      narrator.heading('The policy relay with the default bank policy: it decides, holds approvals and signs recordings');
      narrator.note(`${relay.url}, signing key ${relay.keys.kid()}${relay.log ? '' : `, store ${relay.store.location}`}`);
    },
  };
}

function auditLogOf(stack: DemoStack): string {
  return join(stack.relay.dataDir, AUDIT_LOG_FILE);
}
