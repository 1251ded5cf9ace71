// `hkubectl token`: a kubeconfig exec credential plugin, for clusters that trust the same IdP.
// The one command whose job is to print a token.
import { Command } from 'commander';
import { getValidToken } from '../../auth/session-token.ts';
import { loadConfig } from '../../config/config.ts';
import { resolvePaths } from '../../config/paths.ts';

export default function command(): Command {
  return new Command('token')
    .description(
      'Print the current bearer token as a client.authentication.k8s.io/v1 ExecCredential, refreshing it ' +
        'first if needed. Never prompts: exits 78 with a message when `hkubectl login` is needed.\n\n' +
        'kubeconfig user entry:\n' +
        '  exec:\n' +
        '    apiVersion: client.authentication.k8s.io/v1\n' +
        '    command: hkubectl\n' +
        '    args: [token]\n' +
        '    interactiveMode: Never',
    )
    .action(async () => {
      const paths = resolvePaths(process.env);
      const { token, identity } = await getValidToken({ config: loadConfig(process.env, paths), tokenDir: paths.tokenDir });
      const credential = {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { token, expirationTimestamp: new Date(identity.expiresAt * 1000).toISOString() },
      };
      process.stdout.write(`${JSON.stringify(credential)}\n`);
    });
}
