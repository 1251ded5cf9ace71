// `hkubectl demo`: the whole chain on 127.0.0.1 with nothing to set up. Thin: see src/demo/.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../../errors.ts';
import { locateKubectl } from '../../kubectl/locate.ts';
import { outputIsJson } from '../exit.ts';

type Flags = { dir: string; interactive?: boolean; keepRunning?: boolean; output?: 'text' | 'json'; store?: string; relays?: string };

const HELP_AFTER = `
What it does, in order:
  1. starts a sandbox Kubernetes API server (namespaces prod and staging, deployments, a database
     Secret), a development OIDC provider (users agent-7, alice, bob) and the policy relay with the
     default bank policy, all in this process on 127.0.0.1;
  2. signs agent-7 in by running \`hkubectl login\` (the OAuth device flow) and confirming its code
     at the IdP as a person would; alice, an approver, signs in the same way;
  3. runs agent-7's scripted session, each command the real hkubectl as a child process:
     reads are allowed; a Secret is read with its values masked; deleting a namespace is blocked
     by a guardrail; an exec and a scale in prod wait for approval, which alice gives with a
     written justification (or you, with --interactive);
  4. writes the relay's public keys to <dir>/jwks.json, verifies the recordings (signature, .cast
     hash, place in the relay's audit chain) and prints the commands to replay, play, verify and
     export them.
It stops every server and removes its temp files when it ends; only <dir> stays.
It needs kubectl on PATH (or HKUBECTL_KUBECTL), and runs unattended in well under a minute.

Exit status: 0 when the story ran as told and every recording verified; 1 when a step did not go
as the policy should make it go, or a recording did not verify; 64 for a bad option (e.g.
--interactive without a terminal, or a --dir holding an earlier run's recordings); 78 when
kubectl cannot be found; 130 when interrupted.

Examples:
  hkubectl demo
  hkubectl demo --dir /tmp/demo-recordings --interactive
  hkubectl demo --keep-running     # then drive the stack yourself from another terminal
  hkubectl demo --store postgres://localhost/hkdemo --relays 2   # two relays on one database
`;

export default function command(): Command {
  return new Command('demo')
    .description(
      'Run the whole chain on 127.0.0.1 with no cluster and no identity provider: a sandbox cluster, a dev IdP and the relay; an agent ' +
        'signed in through the device flow runs a scripted session (allowed reads, a masked Secret, a blocked namespace delete, an exec ' +
        'and a scale waiting for a human approval); its recordings are written to --dir, verified, and the commands to replay them printed.',
    )
    .option('--dir <dir>', "where the recordings and jwks.json go; a --dir you name must not hold an earlier run's recordings (a second run into the default gets a run-<time> subdirectory)", 'recordings')
    .option('--interactive', 'answer the approval requests yourself in a terminal prompt (approve or deny, with a justification) instead of the scripted approver')
    .option('--keep-running', 'leave the sandbox, IdP and relay up after the session (until Ctrl-C) and print the environment to use them')
    .option('--store <url>', "run the demo's relay on this PostgreSQL database (postgres://…; migrated first) instead of files in a temp dir")
    .option('--relays <n>', 'with --store, 2 runs two relays on the database: the agent talks to one, the approver to the other')
    .addOption(new Option('-o, --output <format>', 'text (the story, on stdout), or json (a summary on stdout; the story goes to stderr)').choices(['text', 'json']))
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: Flags, command: Command) => {
      const json = (flags.output ?? (outputIsJson() ? 'json' : 'text')) === 'json';
      if (flags.interactive && !(process.stdin.isTTY && process.stdout.isTTY)) {
        throw new UsageError('ERR_DEMO_NO_TERMINAL', '--interactive needs a terminal to ask you about each approval request', {
          hint: 'run it in a terminal, or leave out --interactive to let the scripted approver answer',
        });
      }
      if (flags.interactive && json) throw new UsageError('ERR_DEMO_BAD_OPTIONS', '--interactive and -o json do not go together', { hint: 'pick one' });
      const { demoStore } = await import('../../demo/relay-store.ts');
      const store = demoStore(flags, process.env);
      // Checked first: without kubectl every agent command would fail, after a wait for nothing.
      locateKubectl({ env: process.env, selfPath: process.argv[1] ?? '' });
      const { prepareRecordingsDir } = await import('../../demo/recordings-dir.ts');
      const { dir } = prepareRecordingsDir(resolve(flags.dir), flags.dir, command.getOptionValueSource('dir') !== 'default');

      const [{ runDemo }, { scriptedApprover, interactiveApprover }, { watchInterruptions }, { Chalk, default: chalk }, { SCRIPTED_APPROVER }] = await Promise.all([
        import('../../demo/run-demo.ts'), import('../../demo/approver.ts'), import('../../demo/interruption.ts'), import('chalk'), import('../../demo/script.ts'),
      ]);
      const out = json ? process.stderr : process.stdout;
      const color = new Chalk({ level: out.isTTY ? chalk.level : 0 });
      const interruptions = watchInterruptions([out, process.stdout]);
      const { signal } = interruptions;
      try {
        const summary = await runDemo({
          dir,
          approver: flags.interactive ? interactiveApprover({ approver: SCRIPTED_APPROVER, color, output: process.stdout, signal }) : scriptedApprover(),
          interactive: flags.interactive ?? false,
          keepRunning: flags.keepRunning ?? false,
          out, color, cwd: process.cwd(), env: process.env, signal, store,
        });
        if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } catch (error) {
        throw interruptions.explain(error, dir);
      } finally {
        interruptions.dispose();
      }
    });
}
