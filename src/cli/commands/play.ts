// `hkubectl play`: the auditor's web page on 127.0.0.1. Thin: see src/replay/play-server.ts.
import { Command } from 'commander';
import { commandEnv } from '../run-options.ts';
import { UsageError } from '../../errors.ts';

export default function command(): Command {
  return new Command('play')
    .description('Open a local web page (127.0.0.1 only) listing recorded sessions with time (your time zone; the recorded time on hover), identity, command, decision, the agent\'s reason, approver, risk, exit code, duration and verification status, and the requests the relay refused (blocked, denied, expired: from its audit log) with their rule and message; search them and play any one with its approval trail and markers.')
    .argument('[source]', 'a recordings directory, or a relay URL to fetch sessions from (default: the recordings directory)')
    .option('--port <n>', 'port to listen on (default: any free port)', (text) => {
      const port = Number(text);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('ERR_BAD_OPTION', `--port must be 0–65535, not "${text}"`);
      return port;
    })
    .option('--jwks <file>', "the relay's public keys (default: jwks.json beside the recordings, or the relay's)")
    .option('--mine', "your own past sessions, fetched from the relay (the given URL, or the configured one) with your login; no auditor group needed")
    .option('--data <dir>', "a relay's data directory, whose audit log gives the refused requests (blocked, denied, expired) to list beside the sessions (default: relay-log/ inside the recordings directory, as the demo leaves it; with a relay URL, the relay's audit log)")
    .action(async (source: string | undefined, options: { port?: number; jwks?: string; mine?: boolean; data?: string }) => {
      const { openSessionSource } = await import('../../replay/session-source.ts');
      const { startPlayServer } = await import('../../replay/play-server.ts');
      const opened = await openSessionSource(source, options.jwks, (line) => process.stderr.write(`${line}\n`), commandEnv(), options.mine === true);
      const { hasRecordings } = await import('../../replay/recordings-dir.ts');
      if (!(await hasRecordings(opened.dir))) {
        process.stderr.write(`hkubectl: no recorded sessions in ${opened.label}: nothing to play\n`);
        await opened.close();
        return;
      }
      const { refusalSource } = await import('../../replay/refusal-source.ts');
      const refusals = await refusalSource({ source, dir: opened.dir, data: options.data, mine: options.mine === true, env: commandEnv() });
      const server = await startPlayServer({ dir: opened.dir, jwks: opened.jwks, label: opened.label, refusals, ...(options.port !== undefined ? { port: options.port } : {}) });
      process.stdout.write(`${server.url}\n`);
      process.stderr.write('serving on 127.0.0.1 only; press Ctrl-C to stop\n');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await opened.close();
    });
}
