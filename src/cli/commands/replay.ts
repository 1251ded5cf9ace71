// `hkubectl replay`: play a recording in the terminal after verifying its manifest, or
// re-execute the recorded command against a sandbox and diff the outputs. Thin: see src/replay/.
import { Command, Option } from 'commander';
import { commandEnv } from '../run-options.ts';
import { UsageError } from '../../errors.ts';

const number = (name: string, min: number) => (text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new UsageError('ERR_BAD_OPTION', `${name} must be a number ≥ ${min}, not "${text}"`);
  return value;
};

type Options = { speed?: number; idleLimit?: number; from?: number; dir?: string; jwks?: string; exec?: boolean; context?: string; kubeconfig?: string; yesIMeanIt?: boolean; unsafeHostProcesses?: boolean };

export default function command(): Command {
  return new Command('replay')
    .description('Play a recorded session in the terminal with its timing, after checking its signed manifest (verified / unsigned / TAMPERED) and showing who approved it, when and why; the verdict is printed again after the output. The output keeps its colours and cursor moves but is confined to the replay\'s own rows: clipboard, title, hyperlink and other control strings, device queries and lasting mode changes are dropped. With --exec, re-run the recorded kubectl command against a sandbox and show how its output differs from the recording.')
    .argument('<recording>', 'a .cast file, or a session id in the recordings directory')
    .option('--speed <n>', 'playback speed factor (2 = twice as fast)', number('--speed', 0.01))
    .option('--idle-limit <seconds>', 'shorten pauses longer than this (default: the recording\'s idle_time_limit, if any)', number('--idle-limit', 0))
    .option('--from <seconds>', 'start this many seconds into the recording (earlier output is shown at once)', number('--from', 0))
    .option('--dir <dir>', 'recordings directory (default HKUBECTL_RECORDINGS, config "recordings", or <data dir>/recordings)')
    .option('--jwks <file>', "the relay's public keys (default: jwks.json beside the recordings)")
    .addOption(new Option('--exec', 're-execute the recorded kubectl command against --context and diff its masked output with the recording'))
    .option('--context <name>', 'with --exec: the kubeconfig context to run against (must be marked as a sandbox)')
    .option('--kubeconfig <file>', 'with --exec: kubeconfig to read the context from (default KUBECONFIG or ~/.kube/config)')
    .option('--yes-i-mean-it', 'with --exec: allow a context that is not marked as a sandbox')
    .option('--unsafe-host-processes', 'with --exec: allow a sandbox whose pods run as host processes (no bubblewrap isolation); the recorded command could then run anything on this machine')
    .action(async (recording: string, options: Options) => {
      const { recordingsDir, loadJwks } = await import('../../replay/recordings-dir.ts');
      const dir = recordingsDir(options.dir, commandEnv());
      const jwks = (recordingDir: string) => loadJwks(options.jwks, recordingDir);
      if (options.exec) {
        if (!options.context) throw new UsageError('ERR_NO_CONTEXT', '--exec needs --context with the sandbox context to run against');
        const { reexecute } = await import('../../replay/reexec.ts');
        process.exitCode = await reexecute({
          target: recording, dir, jwks, context: options.context, kubeconfig: options.kubeconfig, allowAnyContext: options.yesIMeanIt === true, unsafeHostProcesses: options.unsafeHostProcesses === true, env: commandEnv(),
        }, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
        return;
      }
      const { replayRecording } = await import('../../replay/replay.ts');
      await replayRecording(
        { target: recording, dir, jwks, ...pick(options) },
        {
          stdout: (text) => process.stdout.write(text),
          stderr: (text) => process.stderr.write(text),
          ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
          sameScreen: process.stdout.isTTY === true && process.stderr.isTTY === true,
        },
      );
    });
}

function pick(options: Options) {
  return {
    ...(options.speed !== undefined ? { speed: options.speed } : {}),
    ...(options.idleLimit !== undefined ? { idleLimit: options.idleLimit } : {}),
    ...(options.from !== undefined ? { from: options.from } : {}),
  };
}
