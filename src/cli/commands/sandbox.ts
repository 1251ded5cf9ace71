// `hkubectl sandbox`: a local Kubernetes-API-compatible server for demos, tests and replay
// re-execution. Runs until interrupted; everything it holds is in memory.
import { Command, Option } from 'commander';
import { UsageError } from '../../errors.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { parseSeedYaml } from '../../sandbox/seed.ts';
import { DEMO_SEED, DEMO_USERS } from '../../sandbox/seeds/demo.ts';

type Options = { port?: string; kubeconfig?: string; token?: string; tokenAuthFile?: string; seed?: string; demo?: boolean; context?: string };

export default function command(): Command {
  return new Command('sandbox')
    .description(
      'Start an in-memory Kubernetes API server on 127.0.0.1 (TLS with a fresh CA) that the real kubectl can drive: ' +
        'get/describe/apply/patch/delete (with --dry-run=server), deployments that make Running pods, logs, exec, cp and port-forward; pod processes run jailed by bubblewrap (own namespaces, read-only system dirs, no network but loopback, process/memory/CPU limits), or as host processes with a warning when bwrap (Debian package bubblewrap) is missing or fails its self-check. ' +
        'Authenticates bearer tokens, authorises every request with RBAC (Roles, ClusterRoles and their bindings, plus the default cluster-admin/admin/edit/view roles) ' +
        'and honours impersonation (--as, --as-group) as the API server does; kubectl auth can-i and auth whoami work. ' +
        'Writes a kubeconfig for the administrator (kubernetes-admin, group system:masters) whose context is marked as a sandbox, prints where, and runs until Ctrl-C.',
    )
    .addOption(new Option('--port <n>', 'port to listen on (default: a free one)'))
    .addOption(new Option('--kubeconfig <path>', 'where to write the administrator\'s kubeconfig (default: a temp file removed on exit)'))
    .addOption(new Option('--token <token>', 'the administrator\'s bearer token (default: random)'))
    .addOption(new Option('--token-auth-file <file>', 'more users, in the kube-apiserver\'s token file format: CSV lines token,user,uid,"group1,group2"'))
    .addOption(new Option('--seed <file>', 'YAML file (multi-document) of objects to create at start (Roles and bindings included)'))
    .addOption(new Option('--demo', 'also load the demo objects (namespaces prod and staging, deployments, a Secret, a ConfigMap, least-privilege roles) and users (agent-7, alice, bob, hkubectl-relay)'))
    .addOption(new Option('--context <name>', 'context name in the kubeconfig').default('sandbox'))
    .action(async (options: Options) => {
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new UsageError('SANDBOX_BAD_PORT', `--port must be a TCP port number, got "${options.port}"`);
      }
      const sandbox = await startSandbox({
        port,
        token: options.token,
        tokenAuthFile: options.tokenAuthFile,
        users: options.demo ? DEMO_USERS.map((u) => ({ ...u })) : undefined,
        seedFile: options.seed,
        seed: options.demo ? parseSeedYaml(DEMO_SEED, 'demo seed') : undefined,
        kubeconfigPath: options.kubeconfig,
        contextName: options.context,
      });
      for (const warning of sandbox.warnings) process.stderr.write(`hkubectl: sandbox: ${warning}\n`);
      const users = sandbox.identities.filter((i) => i.token !== sandbox.token);
      process.stdout.write(
        `sandbox API server listening on ${sandbox.url}\n` +
          `pods: ${sandbox.isolation.isolated ? `isolated by ${sandbox.isolation.description}` : 'HOST processes, NOT isolated (replay --exec refuses this sandbox without --unsafe-host-processes)'}\n` +
          `kubeconfig: ${sandbox.kubeconfigPath} (context "${sandbox.contextName}", user kubernetes-admin in system:masters)\n` +
          `try: KUBECONFIG=${sandbox.kubeconfigPath} kubectl get pods -A\n` +
          users.map((u) => `user ${u.name}${u.groups.length > 0 ? ` [${u.groups.join(',')}]` : ''}: KUBECONFIG=${sandbox.kubeconfigPath} kubectl --token ${u.token} auth can-i --list\n`).join(''),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sandbox.stop();
    });
}
