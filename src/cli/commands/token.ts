// `hkubectl token`: a kubeconfig exec credential plugin, for clusters that trust the same IdP.
// The one command whose job is to print a token.
import { Command } from 'commander';
import { getValidToken } from '../../auth/session-token.ts';
import { loadConfig } from '../../config/config.ts';
import { resolvePaths } from '../../config/paths.ts';
import { commandEnv } from '../run-options.ts';

export default function command(): Command {
  return new Command('token')
    .description(
      'Print the current bearer token as a client.authentication.k8s.io/v1 ExecCredential, refreshing it ' +
        'first if needed. Never prompts: exits 78 with a message when `hkubectl login` is needed.\n\n' +
        'With several logins (one per issuer and client id), --issuer and --client-id pick one, as ' +
        "kubelogin's get-token does; without them, the issuer and client id of config.yaml or HKUBECTL_ISSUER / HKUBECTL_CLIENT_ID.\n\n" +
        'kubeconfig user entry:\n' +
        '  exec:\n' +
        '    apiVersion: client.authentication.k8s.io/v1\n' +
        '    command: hkubectl\n' +
        '    args: [token, --issuer, https://idp.bank.example, --client-id, hkubectl]\n' +
        '    interactiveMode: Never',
    )
    .option('--issuer <url>', 'the OIDC issuer whose login to use')
    .option('--client-id <id>', 'the OAuth client id of that login')
    .action(async (flags: { issuer?: string; clientId?: string }) => {
      const env = commandEnv();
      const paths = resolvePaths(env);
      const config = loadConfig(env, paths, { issuer: flags.issuer, clientId: flags.clientId });
      const { token, identity } = await getValidToken({ config, tokenDir: paths.tokenDir });
      const credential = {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { token, expirationTimestamp: new Date(identity.expiresAt * 1000).toISOString() },
      };
      process.stdout.write(`${JSON.stringify(credential)}\n`);
    });
}
