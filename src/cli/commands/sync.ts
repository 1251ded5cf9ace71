// `hkubectl sync`: deliver the session drafts that waited for the relay. Thin: see src/recording/deliver.ts.
import { Command, Option } from 'commander';
import { commandEnv } from '../run-options.ts';
import { join } from 'node:path';
import { HkError, TemporaryError } from '../../errors.ts';
import { outputIsJson } from '../exit.ts';

/** Exit status when the relay refused a draft for good (it is kept under spool/refused). */
export const SYNC_REFUSED_EXIT = 1;

export default function command(): Command {
  return new Command('sync')
    .description(
      'Send the relay the sessions whose end it did not hear about (it was unreachable, or the login had lapsed): ' +
        'upload each recording, close the session, and replace its unsigned manifest with the relay-signed one. ' +
        'hkubectl also does this after every governed command.\n\n' +
        'Exit status: 0 when nothing is left waiting; 75 when the relay could not take them now (they stay spooled); ' +
        '1 when the relay refused one for good (its draft is kept under <data dir>/spool/refused).',
    )
    .addOption(new Option('-o, --output <format>', 'output format: text, or json (one object per session)').choices(['text', 'json']))
    .action(async (flags: { output?: 'text' | 'json' }) => {
      const { agentConfig, openAgentRelay } = await import('../../relay/client/agent-client.ts');
      const { syncSpool } = await import('../../recording/deliver.ts');
      const { pendingFiles } = await import('../../recording/spool.ts');
      const json = (flags.output ?? (outputIsJson() ? 'json' : 'text')) === 'json';
      const loaded = agentConfig(commandEnv());
      const spoolDir = join(loaded.paths.dataDir, 'spool');
      if ((await pendingFiles(spoolDir)).length === 0) {
        if (json) process.stdout.write('[]\n');
        else process.stdout.write('nothing to sync\n');
        return;
      }
      const { client } = await openAgentRelay(loaded);
      let deliveries;
      try {
        deliveries = await syncSpool(client, spoolDir, (delivery) => {
          if (json) return;
          const detail = delivery.state === 'signed' ? delivery.manifestPath : delivery.reason;
          process.stdout.write(`${delivery.state.padEnd(8)} ${delivery.session}  ${detail}\n`);
        });
      } finally {
        await client.close();
      }
      if (json) process.stdout.write(`${JSON.stringify(deliveries, null, 2)}\n`);
      const left = (await pendingFiles(spoolDir)).length;
      const refused = deliveries.filter((delivery) => delivery.state === 'refused').length;
      if (left > 0) {
        throw new TemporaryError('ERR_SYNC_PENDING', `${left} session${left === 1 ? '' : 's'} still waiting for the relay (${deliveries.find((d) => d.state === 'pending')?.reason ?? 'not reached'})`, {
          hint: 'run `hkubectl sync` again once the relay is reachable',
        });
      }
      if (refused > 0) throw new HkError('ERR_SYNC_REFUSED', `the relay refused ${refused} session${refused === 1 ? '' : 's'}; see ${join(spoolDir, 'refused')}`, SYNC_REFUSED_EXIT);
    });
}
