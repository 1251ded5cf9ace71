// What stops the demo early: Ctrl-C, SIGTERM, a closed terminal, or a reader that went away
// (`hkubectl demo | head`). Each aborts one signal, so the running step ends, the servers stop and
// the temp dir goes, instead of the process dying with them left behind; the error that follows
// is reported as the shell would (130 for an interrupt, 141 for a broken pipe).
import { HkError } from '../errors.ts';

const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const INTERRUPTED_EXIT = 130;
const READER_GONE_EXIT = 141;

export interface Interruptions {
  signal: AbortSignal;
  /** The error to report for a failure that an interruption caused, else the failure itself. */
  explain(error: unknown, recordingsDir: string): unknown;
  dispose(): void;
}

export function watchInterruptions(outputs: Iterable<NodeJS.WritableStream>): Interruptions {
  const controller = new AbortController();
  let readerGone = false;
  const stop = () => controller.abort();
  const onWriteError = () => {
    readerGone = true;
    stop();
  };
  // Stays attached: later writes to a closed stream must fail quietly too.
  for (const stream of new Set(outputs)) stream.on('error', onWriteError);
  for (const name of STOPPING_SIGNALS) process.once(name, stop);
  return {
    signal: controller.signal,
    explain(error, recordingsDir) {
      if (readerGone) return new HkError('ERR_DEMO_OUTPUT_CLOSED', 'the demo stopped because its output was closed; its servers were stopped', READER_GONE_EXIT);
      // A prompt ended by Ctrl-C in raw mode, where the key never becomes a SIGINT.
      const promptEnded = ['ExitPromptError', 'AbortPromptError'].includes((error as Error | null)?.name ?? '');
      if (controller.signal.aborted || promptEnded) {
        return new HkError('ERR_DEMO_INTERRUPTED', 'the demo was interrupted; its servers were stopped', INTERRUPTED_EXIT, { hint: `recordings made so far are in ${recordingsDir}` });
      }
      return error;
    },
    dispose() {
      for (const name of STOPPING_SIGNALS) process.off(name, stop);
    },
  };
}
