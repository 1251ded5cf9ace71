// One step of the agent's session: run the real hkubectl with the step's command, show what it
// prints, answer its approval request if it makes one, and check that the policy did what the
// story says (allowed / blocked / held for approval).
import type { ChalkInstance } from 'chalk';
import { ExitCode } from '../errors.ts';
import { details, outcome } from '../relay/client/approval-format.ts';
import type { RelayClient } from '../relay/client/client.ts';
import type { ApprovalRequest, Verdict } from '../contract/relay-api.ts';
import { childController } from './abort.ts';
import type { Approver } from './approver.ts';
import { DemoFailedError, lastLine } from './demo-error.ts';
import { runHkubectl, type HkubectlExit } from './hkubectl-process.ts';
import { shellLine, type Narrator, type OutputStream } from './narrator.ts';
import { stepArgv, type DemoStep, type Expectation } from './script.ts';

/** hkubectl's exit when the policy, a guardrail or an approver refused. */
const DENIED_EXIT = ExitCode.denied;

// The line src/recording/governed-run.ts prints when a command is held for approval: what the
// agent itself sees, so the demo reacts to it as an agent's operator would.
const WAITING_NOTICE = /^hkubectl: approval needed \(rule [^,]+, risk \d+\): request (\S+) for /;

export interface StepResult {
  command: string;
  expected: Expectation;
  exitCode: number;
  requestId: string | null;
  review: { verdict: Verdict; by: string; justification: string } | null;
}

export interface StepContext {
  step: DemoStep;
  number: number;
  env: NodeJS.ProcessEnv;
  narrator: Narrator;
  color: ChalkInstance;
  approverName: string;
  approverClient: RelayClient;
  approver: Approver;
  signal: AbortSignal;
}

export async function playStep(context: StepContext): Promise<StepResult> {
  const { step, narrator } = context;
  const argv = stepArgv(step);
  const command = shellLine(['hkubectl', ...argv]);
  narrator.heading(`${context.number}. ${step.title}`);
  narrator.command(command);

  // An answer that fails must not leave the agent waiting out its whole --hk-wait.
  const { controller: stop, release } = childController(context.signal);
  let requestId: string | null = null;
  let answering: Promise<ApprovalRequest> | null = null;
  // While the approver is shown the request, the agent's further lines wait, so they read in order.
  let held: Array<[string, OutputStream]> | null = null;
  try {
    const exit = await runHkubectl({
      args: argv,
      env: context.env,
      signal: stop.signal,
      onLine(line, stream) {
        if (held) {
          held.push([line, stream]);
          return;
        }
        narrator.output(line, stream);
        const id = requestId === null && stream === 'stderr' ? WAITING_NOTICE.exec(line)?.[1] : undefined;
        if (id === undefined) return;
        requestId = id;
        held = [];
        answering = answer(id, context).finally(() => {
          for (const [text, from] of held ?? []) narrator.output(text, from);
          held = null;
        });
        answering.catch(() => stop.abort());
      },
    });
    const pending = answering as Promise<ApprovalRequest> | null;
    const reviewed = pending ? await pending : null;
    return judge(context, command, exit, requestId, reviewed);
  } finally {
    release();
  }
}

async function answer(id: string, context: StepContext): Promise<ApprovalRequest> {
  const { narrator, approverClient, color } = context;
  const request = await approverClient.get(id);
  narrator.waiting(`held for approval; ${context.approverName}'s inbox (hkubectl approvals) shows:`);
  narrator.details(details(request, Date.now(), color));
  const { verdict, justification } = await context.approver(request, context.step);
  const reviewed = await approverClient.review(id, verdict, justification);
  if (verdict === 'approve') narrator.good(outcome(reviewed));
  else narrator.bad(outcome(reviewed));
  return reviewed;
}

function judge(context: StepContext, command: string, exit: HkubectlExit, requestId: string | null, reviewed: ApprovalRequest | null): StepResult {
  const { step, narrator } = context;
  const review = reviewed?.review ? { verdict: reviewed.review.verdict, by: reviewed.review.by.subject, justification: reviewed.review.justification } : null;
  const result: StepResult = { command, expected: step.expect, exitCode: exit.code, requestId, review };
  const fail = (what: string) => {
    const said = lastLine(exit.stderr);
    return new DemoFailedError(`step ${context.number} (${command}) should have been ${describe(step.expect)}, but ${what}${said ? `: ${said}` : ''}`);
  };
  switch (step.expect) {
    case 'allowed':
      if (requestId !== null) throw fail('it was held for approval');
      if (exit.code !== 0) throw fail(`it exited ${exit.code}`);
      narrator.good('allowed: it ran at once, masked and recorded (exit 0)');
      break;
    case 'blocked':
      if (requestId !== null) throw fail('it was held for approval');
      if (exit.code !== DENIED_EXIT) throw fail(`it exited ${exit.code}`);
      narrator.bad(`blocked: nothing ran and there is nothing to approve (exit ${DENIED_EXIT})`);
      break;
    case 'approval':
      if (requestId === null) throw fail(`it was not held for approval (exit ${exit.code})`);
      if (review?.verdict === 'deny') {
        if (exit.code !== DENIED_EXIT) throw fail(`after the denial it exited ${exit.code}`);
        narrator.bad(`denied: nothing ran (exit ${DENIED_EXIT})`);
      } else {
        if (exit.code !== 0) throw fail(`after the approval it exited ${exit.code}`);
        narrator.good('ran once approved (the approval is bound to this exact command and used up), masked and recorded (exit 0)');
      }
      break;
  }
  if (step.shows) narrator.note(step.shows);
  return result;
}

function describe(expectation: Expectation): string {
  return { allowed: 'allowed', blocked: `blocked (exit ${DENIED_EXIT})`, approval: 'held for approval' }[expectation];
}
