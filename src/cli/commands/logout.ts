// `hkubectl logout`: revoke at the IdP where possible, then forget the cached tokens.
import { Command } from 'commander';
import { logout } from '../../auth/logout.ts';
import { loadConfig } from '../../config/config.ts';
import { resolvePaths } from '../../config/paths.ts';
import { outputIsJson } from '../exit.ts';

export default function command(): Command {
  return new Command('logout')
    .description(
      'Sign out: revoke the refresh token at the identity provider (where it supports RFC 7009 revocation) and delete the cached tokens. Exits 78 when there is no login to end.',
    )
    .action(async () => {
      const paths = resolvePaths(process.env);
      const result = await logout({ config: loadConfig(process.env, paths), tokenDir: paths.tokenDir });
      if (outputIsJson()) {
        process.stdout.write(`${JSON.stringify({ logged_out: true, ...result })}\n`);
        return;
      }
      const revoked = result.revoked === 'yes' ? 'refresh token revoked' : `revocation: ${result.revoked}`;
      process.stderr.write(`Logged out of ${result.issuer} (${result.removed ? 'tokens deleted' : 'no cached tokens'}; ${revoked}).\n`);
    });
}
