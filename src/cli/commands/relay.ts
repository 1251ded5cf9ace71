// `hkubectl relay`: run the policy relay. Thin: the work is in src/relay/.
import { Command } from 'commander';
import { commandEnv } from '../run-options.ts';
import { runRelay, type RelayFlags } from '../../relay/server/run.ts';
import { storeCommands } from './relay-store.ts';

export default function command(): Command {
  const relayCommand = new Command('relay')
    .description(
      'Run the policy relay: verifies identity tokens, decides every agent command against the policy, holds risky ones for ' +
        'approval, signs session manifests and keeps the hash-chained audit log. Runs until interrupted (SIGINT/SIGTERM).',
    )
    .option('--config <file>', 'relay.yaml: trusted issuers, policy file, data dir, listen address, TLS, limits (body timeouts, recording size, daily quotas per identity)')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:7443)')
    .option('--data <dir>', 'data directory: audit log and signing keys (default $XDG_DATA_HOME/hkubectl/relay)')
    .option('--store <url>', 'keep everything in this PostgreSQL database instead (postgres://user@host/db; shared by every relay pointed at it; needs HKUBECTL_RELAY_KEYS_SECRET, and `hkubectl relay migrate` first)')
    .option('--policy <file>', 'policy file (default: the policy hkubectl ships; see `hkubectl policy default`)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--issuer <url>', 'trust ID tokens from this OIDC issuer (in addition to relay.yaml)')
    .option('--audience <client-id>', 'audience the --issuer tokens must carry')
    .option('--repair-log', 'if the audit log ends in a damaged line (a crash mid-write), cut it off and record the cut; never done without this flag')
    .option('--max-cast-size <size>', 'largest session recording a wrapper may upload, e.g. 500M (default 256M, or limits.maxCastSize in relay.yaml)')
    .option('--rotate-key', 'make a new manifest-signing key current at start; old public keys stay in the JWKS')
    .action(async (flags: RelayFlags) => {
      const relay = await runRelay(flags, commandEnv());
      const where = relay.log ? `data ${relay.dataDir}` : `store ${relay.store.location}`;
      process.stdout.write(`hkubectl relay listening on ${relay.url} (${where}, signing key ${relay.keys.kid()})\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await relay.stop();
    });
  for (const sub of storeCommands()) relayCommand.addCommand(sub);
  return relayCommand;
}
