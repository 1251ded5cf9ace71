// `hkubectl sandbox`: a local Kubernetes-API-compatible server for demos, tests and replay
// re-execution. Runs until interrupted; everything it holds is in memory.
import { Command, Option } from 'commander';
import { UsageError } from '../../errors.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { parseSeedYaml } from '../../sandbox/seed.ts';
import { DEMO_SEED } from '../../sandbox/seeds/demo.ts';

type Options = { port?: string; kubeconfig?: string; token?: string; seed?: string; demo?: boolean; context?: string };

export default function command(): Command {
  return new Command('sandbox')
    .description(
      'Start an in-memory Kubernetes API server on 127.0.0.1 (TLS with a fresh CA, bearer-token auth) that the real kubectl can drive: ' +
        'get/describe/apply/patch/delete, deployments that make Running pods, logs, exec and port-forward run as local processes. ' +
        'Writes a kubeconfig whose context is marked as a sandbox, prints where, and runs until Ctrl-C.',
    )
    .addOption(new Option('--port <n>', 'port to listen on (default: a free one)'))
    .addOption(new Option('--kubeconfig <path>', 'where to write the kubeconfig (default: a temp file removed on exit)'))
    .addOption(new Option('--token <token>', 'bearer token clients must present (default: random)'))
    .addOption(new Option('--seed <file>', 'YAML file (multi-document) of objects to create at start'))
    .addOption(new Option('--demo', 'also load the demo objects (namespaces prod and staging, deployments, a Secret, a ConfigMap)'))
    .addOption(new Option('--context <name>', 'context name in the kubeconfig').default('sandbox'))
    .action(async (options: Options) => {
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new UsageError('SANDBOX_BAD_PORT', `--port must be a TCP port number, got "${options.port}"`);
      }
      const sandbox = await startSandbox({
        port,
        token: options.token,
        seedFile: options.seed,
        seed: options.demo ? parseSeedYaml(DEMO_SEED, 'demo seed') : undefined,
        kubeconfigPath: options.kubeconfig,
        contextName: options.context,
      });
      process.stdout.write(
        `sandbox API server listening on ${sandbox.url}\n` +
          `kubeconfig: ${sandbox.kubeconfigPath} (context "${sandbox.contextName}")\n` +
          `try: KUBECONFIG=${sandbox.kubeconfigPath} kubectl get pods -A\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sandbox.stop();
    });
}
