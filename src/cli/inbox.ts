// `hkubectl approvals`: the approver's inbox. A select prompt listing pending requests that is
// redrawn in place whenever the relay reports a change (a new request, one answered by another
// approver, one expiring): a long-poll runs beside the prompt and aborts it to redraw.
import { input, select } from '@inquirer/prompts';
import type { ChalkInstance } from 'chalk';
import { isHkError } from '../errors.ts';
import type { RelayClient } from '../relay/client/client.ts';
import type { ApprovalRequest, RequestList, Verdict } from '../contract/relay-api.ts';
import { details, inboxLine, outcome } from '../relay/client/approval-format.ts';
import { showUntrusted as show } from '../contract/show-untrusted.ts';

export type InboxOptions = {
  watch: boolean;
  color: ChalkInstance;
  output: NodeJS.WritableStream;
  input?: NodeJS.ReadableStream;
  now?: () => number;
  /** Redraw at least this often, so ages stay current. */
  refreshMs?: number;
  pollMs?: number;
};

const QUIT = '\0quit';
type Change = { list: RequestList } | { tick: true };

export async function runInbox(client: RelayClient, options: InboxOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const say = (text: string) => options.output.write(`${text}\n`);
  const context = (signal: AbortSignal) => ({ signal, output: options.output, ...(options.input ? { input: options.input } : {}), clearPromptOnDone: true });
  let list = await client.list();
  let cursor: string | undefined;

  for (;;) {
    if (list.requests.length === 0) {
      if (!options.watch) {
        say('No pending approval requests.');
        return;
      }
      say(options.color.dim('No pending approval requests; waiting for new ones (Ctrl+C to stop)…'));
      list = await nextList(client, list.version, options.pollMs);
      continue;
    }
    const controller = new AbortController();
    const change = watchList(client, list.version, controller, options);
    let chosen: string;
    try {
      chosen = await select({
        message: `Pending approvals (${list.requests.length}) — pick one to review`,
        choices: [
          ...list.requests.map((request) => ({ name: inboxLine(request, now(), options.color), value: request.id, description: `\n${details(request, now(), options.color)}` })),
          { name: options.color.dim('Quit'), value: QUIT },
        ],
        ...(cursor && list.requests.some((request) => request.id === cursor) ? { default: cursor } : {}),
        pageSize: 12,
        loop: false,
      }, context(controller.signal));
    } catch (error) {
      if (!controller.signal.aborted) return quitOn(error);
      const changed = await change;
      list = 'list' in changed ? changed.list : await client.list();
      continue;
    } finally {
      controller.abort();
    }
    if (chosen === QUIT) return;
    cursor = chosen;
    const request = list.requests.find((candidate) => candidate.id === chosen)!;
    let message: string | null;
    try {
      message = await reviewOne(client, request, options, context);
    } catch (error) {
      return quitOn(error);
    }
    if (message) say(message);
    list = await client.list();
  }
}

async function reviewOne(
  client: RelayClient, request: ApprovalRequest, options: InboxOptions, context: (signal: AbortSignal) => object,
): Promise<string | null> {
  const { color } = options;
  const controller = new AbortController();
  // Another approver may answer, or the request expire, while this one is still typing.
  let elsewhere: ApprovalRequest | null = null;
  void (async () => {
    while (!controller.signal.aborted) {
      const seen = await client.wait(request.id, 25_000, controller.signal).catch(() => null);
      if (seen && seen.status !== 'pending') {
        elsewhere = seen;
        controller.abort();
      }
      if (!seen) return;
    }
  })();
  try {
    options.output.write(`\n${details(request, (options.now ?? Date.now)(), color)}\n\n`);
    const verdict = await select<Verdict | 'back'>({
      message: `Request ${show(request.id.slice(0, 8))}`,
      choices: [{ name: color.green('Approve'), value: 'approve' }, { name: color.red('Deny'), value: 'deny' }, { name: 'Back to the list', value: 'back' }],
    }, context(controller.signal));
    if (verdict === 'back') return null;
    const justification = await input({
      message: `Why do you ${verdict} it? (recorded with your name)`,
      validate: (text) => (text.trim() === '' ? 'a justification is required' : true),
    }, context(controller.signal));
    const answered = await client.review(request.id, verdict, justification.trim());
    return (verdict === 'approve' ? color.green : color.red)(`✔ ${outcome(answered)} — request ${show(answered.id)}`);
  } catch (error) {
    const seen = elsewhere as ApprovalRequest | null;
    if (seen) return color.yellow(`Request ${show(request.id)} was ${seen.status === 'expired' ? 'expired' : outcome(seen)} meanwhile; nothing was changed.`);
    if (isHkError(error) && 'status' in error) return color.yellow(`Not recorded: ${show(error.message)}`);
    throw error;
  } finally {
    controller.abort();
  }
}

async function watchList(client: RelayClient, version: number, controller: AbortController, options: InboxOptions): Promise<Change> {
  const tick = new Promise<Change>((resolve) => {
    const timer = setTimeout(() => resolve({ tick: true }), options.refreshMs ?? 30_000);
    controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
  const poll = (async (): Promise<Change> => {
    while (!controller.signal.aborted) {
      const list = await client.list({ since: version, timeoutMs: options.pollMs ?? 25_000, signal: controller.signal }).catch(() => null);
      if (list && list.version !== version) return { list };
      if (!list) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return { tick: true };
  })();
  const change = await Promise.race([tick, poll]);
  controller.abort();
  return change;
}

async function nextList(client: RelayClient, version: number, pollMs = 25_000): Promise<RequestList> {
  for (;;) {
    const list = await client.list({ since: version, timeoutMs: pollMs });
    if (list.version !== version) return list;
  }
}

function isPromptExit(error: unknown): boolean {
  return (error as Error)?.name === 'ExitPromptError';
}

function quitOn(error: unknown): void {
  if (isPromptExit(error)) return;
  throw error;
}
