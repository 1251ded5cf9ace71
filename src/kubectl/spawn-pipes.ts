// Runs kubectl as a child with the caller's stdio, so its bytes, stdin and terminal reach the
// agent unchanged, and relays termination signals so a killed hkubectl does not orphan kubectl.
import { spawn } from 'node:child_process';
import { ConfigError } from '../errors.ts';
import { exitCodeOf } from './exit-status.ts';

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export function runKubectlInherited(kubectlPath: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(kubectlPath, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const detach = (): void => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      detach();
      reject(new ConfigError('ERR_KUBECTL_SPAWN', `could not start ${kubectlPath}: ${error.code ?? error.message}`, {
        hint: 'check that kubectl is installed and executable, or set HKUBECTL_KUBECTL',
        cause: error,
      }));
    });
    child.once('exit', (code, signal) => {
      detach();
      resolvePromise(exitCodeOf(code, signal));
    });
  });
}
