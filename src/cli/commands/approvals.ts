// `hkubectl approvals`: the approver's inbox, and `approvals status` for agents. Thin: the work is
// in src/relay/.
import { Command, Option } from 'commander';
import { commandEnv } from '../run-options.ts';
import { parseDuration } from '../../config/duration.ts';
import { UsageError } from '../../errors.ts';
import { relayClientFor } from '../../relay/client/cli-client.ts';
import { showCommand } from '../../contract/command-line.ts';
import { showJson, showUntrusted as show } from '../../contract/show-untrusted.ts';
import { statusFailure, statusText } from '../../relay/client/status.ts';
import { waitForAnswer } from '../../relay/client/wait.ts';
import { outputIsJson } from '../exit.ts';

type Common = { relay?: string; output?: 'text' | 'json' };

const relayOption = () => new Option('--relay <url>', 'policy relay URL (default: HKUBECTL_RELAY or "relay" in config.yaml)');
const outputOption = () => new Option('-o, --output <format>', 'output format').choices(['text', 'json']);
const json = (options: Common) => (options.output ?? (outputIsJson() ? 'json' : 'text')) === 'json';

function status(): Command {
  return new Command('status')
    .description(
      'Show one approval request. Exit 0: approved (re-run the same command to run it once) or already used; ' +
        '75: still pending or expired; 77: denied. With --wait, waits up to that long for an answer.',
    )
    .argument('<request-id>', 'the request id hkubectl printed when the command was held for approval')
    .option('--wait <duration>', 'wait up to this long for an approver, e.g. 30s, 5m (default: do not wait)')
    .addOption(relayOption())
    .addOption(outputOption())
    .action(async (id: string, options: Common & { wait?: string }) => {
      const waitMs = options.wait === undefined ? 0 : parseDuration(options.wait);
      if (waitMs === undefined) throw new UsageError('ERR_BAD_DURATION', `--wait must be a duration like 30s or 5m, not "${options.wait}"`);
      const client = relayClientFor(options, commandEnv());
      try {
        const request = waitMs > 0 ? await waitForAnswer(client, id, { timeoutMs: waitMs }) : await client.get(id);
        process.stdout.write(json(options) ? `${showJson(request)}\n` : statusText(request));
        const failure = statusFailure(request);
        if (failure) throw failure;
      } finally {
        await client.close();
      }
    });
}

export default function command(): Command {
  return new Command('approvals')
    .description(
      'Review pending approval requests in an interactive inbox that updates as requests arrive, are answered elsewhere or expire: ' +
        'requester, command, namespace, risk factors, the agent\'s reason and age; approve or deny with a required justification. ' +
        'Without a terminal (or with -o json) prints the pending requests and exits.',
    )
    .enablePositionalOptions()
    .option('--watch', 'keep the inbox open and wait for new requests when it is empty')
    .addOption(relayOption())
    .addOption(outputOption())
    .addCommand(status())
    .action(async (options: Common & { watch?: boolean }) => {
      const client = relayClientFor(options, commandEnv());
      try {
        if (json(options) || !process.stdin.isTTY || !process.stdout.isTTY) {
          const list = await client.list();
          if (json(options)) process.stdout.write(`${showJson(list.requests)}\n`);
          else for (const request of list.requests) process.stdout.write(`${show(request.id)}\t${show(request.requester.subject)}\t${show(request.namespace ?? '-')}\t${showCommand(request.argv)}\n`);
          return;
        }
        const [{ runInbox }, { default: chalk }] = await Promise.all([import('../inbox.ts'), import('chalk')]);
        await runInbox(client, { watch: options.watch ?? false, color: chalk, output: process.stdout });
      } finally {
        await client.close();
      }
    });
}
