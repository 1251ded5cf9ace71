// `hkubectl login`: the device flow. Thin: the work is in src/auth/device-login.ts.
import { Command } from 'commander';
import { deviceLogin } from '../../auth/device-login.ts';
import type { DevicePrompt } from '../../auth/device-login.ts';
import { loginSettings } from '../../auth/login-settings.ts';
import { identityView } from '../../auth/session.ts';
import type { SessionIdentity } from '../../auth/session.ts';
import { loadConfig } from '../../config/config.ts';
import { resolvePaths } from '../../config/paths.ts';
import { configSchema } from '../../config/schema.ts';
import { outputIsJson } from '../exit.ts';

type Flags = { issuer?: string; clientId?: string; clientSecret?: string; scope?: string; audience?: string };

export default function command(): Command {
  return new Command('login')
    .description(
      'Sign in with the OAuth 2.0 device flow (RFC 8628): prints a URL and a code on stderr for a person to confirm in a browser, waits for them, then keeps the tokens in a private cache (0600) that later commands refresh on their own. With --hk-output json, prints one JSON object per line on stdout: first {"verification_uri","verification_uri_complete","user_code","expires_in"}, then the identity. Settings also come from config.yaml and HKUBECTL_* variables; flags win. Exits 77 if the request is denied, 75 if the code expires or the IdP cannot be reached, 78 for a wrong setup.',
    )
    .option('--issuer <url>', configSchema.issuer.help)
    .option('--client-id <id>', configSchema.clientId.help)
    .option('--client-secret <secret>', configSchema.clientSecret.help)
    .option('--scope <scopes>', `${configSchema.scope.help} (default "${configSchema.scope.default}")`)
    .option('--audience <resource>', configSchema.audience.help)
    .action(async (flags: Flags) => {
      const paths = resolvePaths(process.env);
      const config = loadConfig(process.env, paths, flags);
      const json = outputIsJson();
      const identity = await deviceLogin({
        settings: loginSettings(config),
        tokenDir: paths.tokenDir,
        onPrompt: (prompt) => (json ? printJson(promptJson(prompt)) : printPrompt(prompt)),
      });
      if (json) printJson({ logged_in: true, ...identityView(identity) });
      else process.stderr.write(`Logged in as ${describe(identity)}; token valid until ${new Date(identity.expiresAt * 1000).toISOString()}.\n`);
    });
}

function promptJson(prompt: DevicePrompt) {
  return {
    verification_uri: prompt.verificationUri,
    verification_uri_complete: prompt.verificationUriComplete ?? null,
    user_code: prompt.userCode,
    expires_in: prompt.expiresIn,
  };
}

function printPrompt(prompt: DevicePrompt): void {
  const minutes = Math.max(1, Math.round(prompt.expiresIn / 60));
  process.stderr.write(
    `To sign in, open ${prompt.verificationUri} and enter the code ${prompt.userCode}\n` +
      (prompt.verificationUriComplete ? `or open ${prompt.verificationUriComplete}\n` : '') +
      `The code expires in ${minutes} minute${minutes === 1 ? '' : 's'}. Waiting for confirmation…\n`,
  );
}

function describe(identity: SessionIdentity): string {
  const groups = identity.groups.length ? ` (groups: ${identity.groups.join(', ')})` : '';
  return `${identity.subject}${identity.email ? ` <${identity.email}>` : ''}${groups} at ${identity.issuer}`;
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
