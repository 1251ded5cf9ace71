// The agent's scripted session: what agent-7 runs against the demo cluster and what each command
// is meant to show. Pure data; run-demo.ts plays it and checks each outcome, so a change in the
// default policy or the seed that breaks the story fails the demo instead of telling it wrong.

/** What the default bank policy is expected to do with a step's command. */
export type Expectation = 'allowed' | 'blocked' | 'approval';

export interface DemoStep {
  /** One line saying what this step shows. */
  title: string;
  /** kubectl words, exactly as the agent passes them to hkubectl. */
  args: string[];
  /** The agent's stated reason (`--hk-reason`); the policy requires one for approvals in prod. */
  reason?: string;
  expect: Expectation;
  /** A line said after the outcome, pointing at what to notice. */
  shows?: string;
  /** For `approval` steps: what the scripted approver answers. */
  approval?: { justification: string };
}

export const SCRIPTED_APPROVER = 'alice';
export const DEMO_AGENT = 'agent-7';

const INCIDENT = 'INC-4711: payments-api timeouts in prod';

export const DEMO_SCRIPT: readonly DemoStep[] = [
  {
    title: 'Reads are allowed: they run at once, recorded',
    args: ['get', 'pods', '-n', 'prod'],
    reason: `${INCIDENT}; look at the pods`,
    expect: 'allowed',
  },
  {
    title: 'A Secret is readable, but its values are masked before the agent sees them',
    args: ['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'yaml'],
    reason: `${INCIDENT}; check which database the API uses`,
    expect: 'allowed',
    shows: 'each value under data: is base64 of a [MASKED:…] marker (try base64 -d): the password reached neither the agent nor the recording',
  },
  {
    title: 'Deleting a namespace is a guardrail: blocked, whatever the reason',
    args: ['delete', 'namespace', 'staging'],
    reason: 'free up capacity for prod',
    expect: 'blocked',
  },
  {
    title: 'exec into a production workload waits for a human approval',
    args: ['exec', 'deploy/payments-api', '-n', 'prod', '--', 'printenv', 'HOSTNAME', 'POD_NAMESPACE', 'POD_IP'],
    reason: `${INCIDENT}; confirm which pod answers and its address`,
    expect: 'approval',
    approval: { justification: 'INC-4711 is open and this exec only reads the environment; on-call informed' },
  },
  {
    title: 'A change in production (scale) waits for a human approval too',
    args: ['scale', 'deployment/payments-api', '-n', 'prod', '--replicas=3'],
    reason: `${INCIDENT}; add a replica while the timeouts are investigated`,
    expect: 'approval',
    approval: { justification: 'INC-4711: one more replica is within the change window; revert after the incident' },
  },
  {
    title: 'The agent checks the result (a read again)',
    args: ['get', 'deployment', 'payments-api', '-n', 'prod'],
    reason: `${INCIDENT}; confirm the new replica count`,
    expect: 'allowed',
  },
];

/**
 * The argv hkubectl is run with: the kubectl words with the agent's reason added before any `--`
 * (after it, `--hk-reason` would be the container command's argument).
 */
export function stepArgv(step: DemoStep): string[] {
  if (step.reason === undefined) return [...step.args];
  const dashes = step.args.indexOf('--');
  const at = dashes === -1 ? step.args.length : dashes;
  return [...step.args.slice(0, at), '--hk-reason', step.reason, ...step.args.slice(at)];
}
