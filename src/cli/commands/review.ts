// `hkubectl approve` and `hkubectl deny` share everything but the verdict.
import { Command, Option } from 'commander';
import { commandEnv } from '../run-options.ts';
import { relayClientFor } from '../../relay/client/cli-client.ts';
import { outcome } from '../../relay/client/approval-format.ts';
import { showJson, showUntrusted as show } from '../../contract/show-untrusted.ts';
import type { Verdict } from '../../contract/relay-api.ts';
import { outputIsJson } from '../exit.ts';

export function reviewCommand(verdict: Verdict): Command {
  const word = verdict === 'approve' ? 'approve' : 'deny';
  return new Command(word)
    .description(
      `${verdict === 'approve' ? 'Approve' : 'Deny'} a pending approval request (for scripts; people usually use \`hkubectl approvals\`). ` +
        'Your identity and justification are recorded in the relay\'s audit log. Exit 77 if you may not review it (not an approver, ' +
        'your own request) or it was already answered or expired.',
    )
    .argument('<request-id>', 'the request id')
    .requiredOption('--reason <text>', `why you ${word} it (required, recorded)`)
    .option('--relay <url>', 'policy relay URL (default: HKUBECTL_RELAY or "relay" in config.yaml)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']))
    .action(async (id: string, options: { reason: string; relay?: string; output?: string }) => {
      const client = relayClientFor(options, commandEnv());
      try {
        const request = await client.review(id, verdict, options.reason);
        const json = (options.output ?? (outputIsJson() ? 'json' : 'text')) === 'json';
        process.stdout.write(json ? `${showJson(request)}\n` : `request ${show(request.id)} ${outcome(request)}\n`);
      } finally {
        await client.close();
      }
    });
}
