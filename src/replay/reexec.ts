// `hkubectl replay --exec`: run the recorded kubectl command again, against a sandbox, and show
// how the masked output differs from the recording's. Only a verified manifest's argv is re-run
// (a tampered or unsigned one could make the auditor run anything), and never one whose argv
// had credentials redacted (it would not be the same command). A recorded `exec -- rm -rf ~`
// re-run against a sandbox whose pods are host processes would run on the auditor's machine, so
// such a sandbox is refused unless the auditor passes --unsafe-host-processes.
import { spawn } from 'node:child_process';
import { createStreamingMasker, maskText, type MaskingOptions, type MaskProfileName } from '../masking/index.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { locateKubectl } from '../kubectl/locate.ts';
import { exitCodeOf } from '../kubectl/exit-status.ts';
import { readCast } from '../recording/cast-reader.ts';
import { agentOutput } from '../recording/cast-display.ts';
import { colourDiff, outputDiff } from './output-diff.ts';
import { resolveTarget } from './recordings-dir.ts';
import { statusLine } from './replay.ts';
import { checkSandboxContext, kubeconfigFiles, redactedArgs, retarget } from './sandbox-target.ts';
import { checkSession, type Jwks } from './verification.ts';

export interface ReexecRequest {
  target: string;
  dir: string;
  jwks: (dir: string) => Promise<Jwks | null>;
  context: string;
  kubeconfig?: string | undefined;
  allowAnyContext: boolean;
  /** Re-run against a sandbox whose pods are host processes (not isolated) anyway. */
  unsafeHostProcesses?: boolean;
  kubectlPath?: string;
  env: NodeJS.ProcessEnv;
}

export interface ReexecIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** 0 when the outputs and exit codes match, 1 when they differ (like diff(1)). */
export async function reexecute(request: ReexecRequest, io: ReexecIo): Promise<number> {
  const env = request.env;
  const target = await resolveTarget(request.target, request.dir);
  if (!target.manifestPath) throw new UsageError('ERR_NO_MANIFEST', `session ${target.session} has no manifest, so its command line is unknown`);
  const check = await checkSession(target.manifestPath, await request.jwks(target.dir));
  io.stderr(`${statusLine(check)}\n`);
  if (check.status !== 'verified' || !check.payload || !check.castPath) {
    throw new ConfigError('ERR_NOT_VERIFIED', `only a verified recording is re-executed; session ${check.session} is ${check.status}`, {
      hint: check.status === 'unknown-key' ? "pass --jwks with the relay's public keys" : 'a recording that does not verify could make you run a command nobody approved',
    });
  }
  const command = (check.payload.command ?? {}) as { argv?: unknown; verb?: unknown };
  const argv = Array.isArray(command.argv) ? command.argv.map(String) : [];
  if (argv.length === 0) throw new ConfigError('ERR_NO_ARGV', `the manifest of session ${check.session} records no command line`);
  const redacted = redactedArgs(argv);
  if (redacted.length > 0) {
    throw new UsageError('ERR_REDACTED_ARGV', `the recorded command line had values redacted (${redacted.join(', ')}), so it cannot be re-run as it was`);
  }
  const { sandbox, isolation } = checkSandboxContext(request.context, kubeconfigFiles(request.kubeconfig, env), request.allowAnyContext);
  const hostProcesses = sandbox && isolation !== 'bubblewrap';
  if (hostProcesses && request.unsafeHostProcesses !== true) {
    throw new ConfigError('ERR_SANDBOX_NOT_ISOLATED', `sandbox context ${request.context} runs its pods as host processes (no bubblewrap isolation), so the recorded command is not re-run: anything it execs would run on this machine`, {
      hint: 'install bubblewrap (apt-get install bubblewrap) and restart hkubectl sandbox, or pass --unsafe-host-processes to run it anyway',
    });
  }
  const args = retarget(argv, typeof command.verb === 'string' ? command.verb : null, { context: request.context, ...(request.kubeconfig ? { kubeconfig: request.kubeconfig } : {}) });
  const masking: MaskingOptions = { profile: maskingProfile(check.payload) };
  const where = !sandbox ? ' (NOT a sandbox: --yes-i-mean-it)' : hostProcesses ? ' (sandbox with HOST processes, NOT isolated: --unsafe-host-processes)' : ' (sandbox)';
  io.stderr(`re-running: kubectl ${args.join(' ')}${where}\n`);

  const kubectlPath = request.kubectlPath ?? locateKubectl({ env, selfPath: process.argv[1] ?? '' });
  const fresh = await runMasked(kubectlPath, args, env, masking);
  const { header, events } = await readCast(check.castPath);
  // The bytes the agent received (a pipe session's recording holds its LFs as CR LF).
  const recorded = maskText(agentOutput(header, events), masking).text;
  const recordedExit = typeof check.payload.exitCode === 'number' ? check.payload.exitCode : null;

  const patch = outputDiff(recorded, fresh.output, { recorded: `recorded/${check.session}`, fresh: `sandbox/${request.context}` });
  const sameExit = recordedExit === fresh.exitCode;
  io.stderr(`exit code: recorded ${recordedExit ?? 'unknown'}, now ${fresh.exitCode}${sameExit ? '' : ' (differs)'}\n`);
  if (patch === null) io.stderr('output: identical to the recording (both masked)\n');
  else io.stdout(colourDiff(patch));
  return patch === null && sameExit ? 0 : 1;
}

function maskingProfile(payload: Record<string, unknown>): MaskProfileName | undefined {
  const masking = payload.masking as { profile?: unknown } | undefined;
  const decision = payload.decision as { mask?: unknown } | undefined;
  const profile = masking?.profile ?? decision?.mask;
  return typeof profile === 'string' ? (profile as MaskProfileName) : undefined;
}

/** stdout and stderr, each masked, interleaved in arrival order as the recording has them. */
function runMasked(kubectlPath: string, args: string[], env: NodeJS.ProcessEnv, masking: MaskingOptions): Promise<{ output: string; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const chunks: Buffer[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      const masker = createStreamingMasker(masking);
      stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(masker.push(chunk))));
      stream.on('end', () => chunks.push(Buffer.from(masker.flush())));
    }
    child.once('error', (error) => reject(new ConfigError('ERR_KUBECTL_SPAWN', `could not start ${kubectlPath}: ${error.message}`, { cause: error })));
    child.once('close', (code, signal) => resolve({ output: Buffer.concat(chunks).toString('utf8'), exitCode: exitCodeOf(code, signal) }));
  });
}
