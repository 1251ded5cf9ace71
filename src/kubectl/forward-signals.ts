// While kubectl runs, termination signals sent to hkubectl are passed on to it rather than
// killing hkubectl first: kubectl decides how to stop, and hkubectl reports how it ended.
export const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** Installs the forwarding; returns the function that removes it. */
export function forwardSignals(kill: (signal: NodeJS.Signals) => void): () => void {
  const forward = (signal: NodeJS.Signals): void => kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  return () => {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  };
}
