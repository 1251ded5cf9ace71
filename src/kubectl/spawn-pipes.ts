// kubectl as a child on plain pipes: bytes stay exact (no terminal translation), stdin is the
// caller's own (pipes and `-f -` stream straight through), and termination signals are relayed.
import { spawn, type ChildProcess } from 'node:child_process';
import { ConfigError } from '../errors.ts';
import { endOf, type KubectlEnd } from './exit-status.ts';
import { forwardSignals } from './forward-signals.ts';

export type OutputMode = 'inherit' | 'pipe';

export interface PipedKubectl {
  child: ChildProcess;
  /** hkubectl's exit code for this run: kubectl's code, or 128+n for death by signal n. */
  exited: Promise<number>;
  /** The exit code with the signal that killed kubectl, if one did. */
  ended: Promise<KubectlEnd>;
}

function spawnError(kubectlPath: string, error: NodeJS.ErrnoException): ConfigError {
  return new ConfigError('ERR_KUBECTL_SPAWN', `could not start ${kubectlPath}: ${error.code ?? error.message}`, {
    hint: 'check that kubectl is installed and executable, or set HKUBECTL_KUBECTL',
    cause: error,
  });
}

/**
 * `pipe` gives the caller kubectl's stdout/stderr to mask and record; `inherit` hands over the
 * fds. stdin likewise: piped only when the caller records what is sent to kubectl.
 */
export function spawnKubectl(kubectlPath: string, args: string[], env: NodeJS.ProcessEnv, output: OutputMode, input: OutputMode = 'inherit'): PipedKubectl {
  const child = spawn(kubectlPath, args, { stdio: [input, output, output], env });
  const ended = new Promise<KubectlEnd>((resolve, reject) => {
    const stopForwarding = forwardSignals((signal) => child.kill(signal));
    child.once('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      reject(spawnError(kubectlPath, error));
    });
    // 'close' rather than 'exit': with pipes, all of kubectl's output has been read by then.
    child.once('close', (code, signal) => {
      stopForwarding();
      resolve(endOf(code, signal));
    });
  });
  const exited = ended.then((end) => end.exitCode);
  // A caller that awaits `ended` only must not leave this copy's rejection (kubectl could not
  // start) unhandled: Node would end hkubectl with a stack trace instead of its one-line error.
  exited.catch(() => {});
  return { child, ended, exited };
}

export function runKubectlInherited(kubectlPath: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return spawnKubectl(kubectlPath, args, env, 'inherit').exited;
}
