// Who answers the agent's approval requests in the demo: a scripted approver giving the
// justification written in the script, or (with --interactive) the person at the terminal,
// prompted the way `hkubectl approvals` prompts an approver.
import { input, select } from '@inquirer/prompts';
import type { ChalkInstance } from 'chalk';
import type { ApprovalRequest, Verdict } from '../contract/relay-api.ts';
import type { DemoStep } from './script.ts';

export type ApproverAnswer = { verdict: Verdict; justification: string };

export type Approver = (request: ApprovalRequest, step: DemoStep) => Promise<ApproverAnswer>;

export function scriptedApprover(): Approver {
  return async (_request, step) => ({ verdict: 'approve', justification: step.approval?.justification ?? 'approved by the demo script' });
}

export function interactiveApprover(options: {
  approver: string;
  color: ChalkInstance;
  output: NodeJS.WritableStream;
  input?: NodeJS.ReadableStream;
  signal: AbortSignal;
}): Approver {
  const { color } = options;
  const context = { output: options.output, ...(options.input ? { input: options.input } : {}), signal: options.signal };
  return async (request) => {
    const verdict = await select<Verdict>({
      message: `You are ${options.approver} (approvers). Approve request ${request.id.slice(0, 8)}?`,
      choices: [{ name: color.green('Approve'), value: 'approve' }, { name: color.red('Deny'), value: 'deny' }],
    }, context);
    const justification = await input({
      message: `Why do you ${verdict} it? (recorded with your name)`,
      validate: (text) => (text.trim() === '' ? 'a justification is required' : true),
    }, context);
    return { verdict, justification: justification.trim() };
  };
}
