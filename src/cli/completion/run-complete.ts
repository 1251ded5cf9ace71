// The edges of completion: kubectl asked for its script and (offline) for its candidates, own
// commands loaded for theirs, the answer printed. See script.ts and own-complete.ts.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { locateKubectl } from '../../kubectl/locate.ts';
import { ownCommands } from '../registry.ts';
import { commanderCompletion, completionText, ownCommandCandidates, parseCompletionText, planCompletion, type Completion } from './own-complete.ts';
import { hkubectlCompletionScript, type CompletionShell } from './script.ts';

const run = promisify(execFile);

/** A kubeconfig whose only cluster is a closed loopback port: kubectl completes what it knows offline. */
const NO_CLUSTER_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
`;

export async function printCompletionScript(shell: CompletionShell, env: NodeJS.ProcessEnv): Promise<number> {
  const kubectl = locateKubectl({ env, selfPath: process.argv[1] ?? '' });
  const { stdout } = await run(kubectl, ['completion', shell], { env, maxBuffer: 16 * 1024 * 1024 });
  process.stdout.write(hkubectlCompletionScript(stdout, shell));
  return 0;
}

/** `hkubectl __complete …` / `__completeNoDesc …`. */
export async function answerCompletion(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const describe = argv[0] === '__complete';
  const plan = planCompletion(argv.slice(1));
  let completion: Completion;
  switch (plan.kind) {
    case 'own-flag':
      completion = plan.completion;
      break;
    case 'own-command': {
      const command = await (await ownCommands[plan.name]!()).default();
      completion = commanderCompletion(command, plan.words, plan.partial);
      break;
    }
    case 'kubectl': {
      completion = await kubectlOffline([...plan.args, plan.partial], env, describe);
      if (plan.atCommand) {
        const own = ownCommandCandidates(plan.partial, (name) => `hkubectl's own command (hkubectl ${name} --help)`);
        const theirs = new Set(completion.candidates.map((candidate) => candidate.value));
        completion = { ...completion, candidates: [...completion.candidates, ...own.filter((candidate) => !theirs.has(candidate.value))] };
      }
      break;
    }
  }
  process.stdout.write(completionText(completion, describe));
  return 0;
}

async function kubectlOffline(words: string[], env: NodeJS.ProcessEnv, describe: boolean): Promise<Completion> {
  const kubectl = locateKubectl({ env, selfPath: process.argv[1] ?? '' });
  const dir = await mkdtemp(join(tmpdir(), 'hk-complete-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, NO_CLUSTER_KUBECONFIG, { mode: 0o600 });
    const { stdout } = await run(kubectl, [describe ? '__complete' : '__completeNoDesc', ...words], {
      env: { ...env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') }, maxBuffer: 16 * 1024 * 1024, timeout: 10_000,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return parseCompletionText(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
