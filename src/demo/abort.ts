// Listening for an abort that may already have happened: a Ctrl-C that lands between two steps
// must stop the next one too, and addEventListener alone never fires for a past abort.
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** A controller that aborts with `parent` and can also be aborted on its own. */
export function childController(parent: AbortSignal): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  const release = whenAborted(parent, () => controller.abort());
  return { controller, release };
}
