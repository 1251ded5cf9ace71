// `hkubectl whoami`: who the relay will see, refreshing the login first if it is about to expire.
import { Command, Option } from 'commander';
import { identityView } from '../../auth/session.ts';
import { getValidToken } from '../../auth/session-token.ts';
import { loadConfig } from '../../config/config.ts';
import { resolvePaths } from '../../config/paths.ts';
import { outputIsJson } from '../exit.ts';

export default function command(): Command {
  return new Command('whoami')
    .description(
      'Show the identity hkubectl presents to the relay: subject, email, groups, issuer and token expiry. Refreshes the token if it is about to expire. Exits 78 when not logged in.',
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']))
    .action(async (options: { output?: 'text' | 'json' }) => {
      const paths = resolvePaths(process.env);
      const config = loadConfig(process.env, paths);
      const { identity } = await getValidToken({ config, tokenDir: paths.tokenDir });
      const view = identityView(identity);
      if ((options.output ?? (outputIsJson() ? 'json' : 'text')) === 'json') {
        process.stdout.write(`${JSON.stringify(view)}\n`);
        return;
      }
      process.stdout.write(
        `subject: ${view.subject}\n` +
          `email:   ${view.email ?? '-'}\n` +
          `groups:  ${view.groups.join(', ') || '-'}\n` +
          `issuer:  ${view.issuer}\n` +
          `expires: ${view.expires_at}\n`,
      );
    });
}
