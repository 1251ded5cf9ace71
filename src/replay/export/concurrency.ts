// A few sessions in flight at once. Checking or summarising one session is mostly waiting on
// the disk (open, stat, read, close), so one at a time leaves the CPU idle; a small fixed number
// keeps it busy while memory stays that of `limit` sessions, however many there are.

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** `work` on each item, at most `limit` at a time; results as they finish, in no set order. */
export async function* unordered<T, R>(items: AsyncIterable<T>, limit: number, work: (item: T) => Promise<R>): AsyncGenerator<R> {
  const source = items[Symbol.asyncIterator]();
  const finished: Array<Settled<R>> = [];
  let running = 0;
  let exhausted = false;
  let wake: (() => void) | null = null;
  const start = (item: T) => {
    running += 1;
    work(item)
      .then((value): Settled<R> => ({ ok: true, value }), (error: unknown): Settled<R> => ({ ok: false, error }))
      .then((settled) => {
        finished.push(settled);
        running -= 1;
        wake?.();
        wake = null;
      });
  };
  try {
    for (;;) {
      while (!exhausted && running < limit) {
        const next = await source.next();
        if (next.done) exhausted = true;
        else start(next.value);
      }
      const settled = finished.shift();
      if (settled === undefined) {
        if (running === 0) return;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (!settled.ok) throw settled.error;
      yield settled.value;
    }
  } finally {
    await source.return?.();
  }
}

/** `work` on each item, up to `limit` items ahead of the one being handed out; results in input order. */
export async function* ordered<T, R>(items: AsyncIterable<T>, limit: number, work: (item: T) => Promise<R>): AsyncGenerator<R> {
  const ahead: Array<Promise<R>> = [];
  const begin = (item: T) => {
    const task = work(item);
    // Awaited in turn below; until then a failure must not count as unhandled.
    task.catch(() => {});
    ahead.push(task);
  };
  for await (const item of items) {
    begin(item);
    if (ahead.length >= limit) yield await ahead.shift()!;
  }
  while (ahead.length > 0) yield await ahead.shift()!;
}
