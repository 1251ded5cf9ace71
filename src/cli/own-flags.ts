// hkubectl's own flags: `--hk-*`, each with an `HKUBECTL_*` environment twin. They are taken out
// of argv before kubectl sees it, wherever they stand before `--` (a leading `--` only marks the
// rest as kubectl's and is dropped; a later `--` belongs to kubectl, e.g. `exec pod -- sh`).
import { UsageError } from '../errors.ts';
import { didYouMean } from './did-you-mean.ts';

export interface OwnFlagSpec {
  name: string;
  env: string;
  takesValue: boolean;
  description: string;
}

export const OWN_FLAGS: OwnFlagSpec[] = [
  { name: 'reason', env: 'HKUBECTL_REASON', takesValue: true, description: "the agent's stated reason for this command (sent to the relay, recorded)" },
  { name: 'output', env: 'HKUBECTL_OUTPUT', takesValue: true, description: "format of hkubectl's own messages: text (default) or json" },
  { name: 'wait', env: 'HKUBECTL_WAIT', takesValue: true, description: 'how long to wait for a human approval (e.g. 0, 90s, 5m); 0 returns at once with exit 75' },
  { name: 'relay', env: 'HKUBECTL_RELAY', takesValue: true, description: 'policy relay URL' },
  { name: 'recordings', env: 'HKUBECTL_RECORDINGS', takesValue: true, description: 'directory for session recordings' },
  { name: 'help', env: 'HKUBECTL_HELP', takesValue: false, description: "show hkubectl's own commands and flags" },
  { name: 'version', env: 'HKUBECTL_VERSION', takesValue: false, description: "show hkubectl's version and commit, and the kubectl it runs" },
];

export interface SplitArgs {
  /** Own flag values by env name, e.g. { HKUBECTL_REASON: 'rotate creds' }. */
  own: Record<string, string>;
  kubectlArgs: string[];
  /** True when argv started with `--`: the rest is kubectl's even if it looks like an own command. */
  forcedKubectl: boolean;
  /** The first bad own flag, reported after the others are read (so `--hk-output json` still applies). */
  problem: UsageError | null;
}

export function splitOwnFlags(argv: readonly string[]): SplitArgs {
  const own: Record<string, string> = {};
  const kubectlArgs: string[] = [];
  let forcedKubectl = false;
  let problem: UsageError | null = null;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      if (kubectlArgs.length === 0 && !forcedKubectl) {
        forcedKubectl = true;
        continue;
      }
      break;
    }
    if (!arg.startsWith('--hk-')) {
      kubectlArgs.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(5, eq === -1 ? undefined : eq);
    const spec = OWN_FLAGS.find((flag) => flag.name === name);
    if (!spec) {
      problem ??= new UsageError('ERR_UNKNOWN_OWN_FLAG', `unknown flag --hk-${name}${didYouMean(name, OWN_FLAGS.map((flag) => flag.name), (word) => `--hk-${word}`)}`, {
        hint: 'nothing was run; `hkubectl --hk-help` lists them',
      });
      continue;
    }
    if (!spec.takesValue) {
      own[spec.env] = eq === -1 ? 'true' : arg.slice(eq + 1);
    } else if (eq !== -1) {
      own[spec.env] = arg.slice(eq + 1);
    } else if (i + 1 < argv.length) {
      own[spec.env] = argv[++i] as string;
    } else {
      problem ??= new UsageError('ERR_OWN_FLAG_VALUE', `--hk-${name} needs a value`, { hint: spec.description });
    }
  }
  kubectlArgs.push(...argv.slice(i));
  return { own, kubectlArgs, forcedKubectl, problem };
}
