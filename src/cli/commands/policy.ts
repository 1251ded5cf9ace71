// `hkubectl policy …`: offline tools for policy authors. Thin: the work is in src/policy/.
import { Command, Option } from 'commander';
import { ConfigError } from '../../errors.ts';
import { outputIsJson } from '../exit.ts';
import { parseIntent } from '../../kubectl/parse-intent.ts';
import {
  DEFAULT_POLICY_YAML, defaultPolicy, evaluate, formatProblem, loadPolicy, loadPolicyFile, PolicyError, readPolicyText,
} from '../../policy/index.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function check(): Command {
  return new Command('check')
    .description(
      'Decide a kubectl command line offline, as the relay would, and print the decision as JSON:\n' +
        '{"decision":"allow|deny|approve","risk":{"score":N,"factors":[…]},"rule":"…","message":"…",…}.\n' +
        'Exits 0 whatever the decision (it is a question, not a command).',
    )
    .argument('<kubectl-args...>', 'the kubectl command line (after -- or after the options above)')
    // Everything from the first kubectl word on is kubectl's, flags included: `check get pods -n x`.
    .passThroughOptions()
    .option('--policy <file>', 'policy file to use (default: the policy hkubectl ships)')
    .option('--identity <subject>', 'subject (user) to evaluate as', 'policy-check')
    .option('--group <group>', "a group of that identity; repeat for several (outside the policy's approver groups means agent)", collect, [])
    .option('--cluster <server-or-name>', 'the cluster the wrapper would report (its API server URL); one the policy does not list is decided as any of its clusters')
    .action(async (args: string[], options: { policy?: string; identity: string; group: string[]; cluster?: string }) => {
      const policy = options.policy === undefined ? defaultPolicy() : await loadPolicyFile(options.policy);
      const decision = evaluate(policy, parseIntent(args), { subject: options.identity, groups: options.group }, { cluster: options.cluster ?? null });
      const { decision: outcome, risk, rule, message, ...rest } = decision;
      process.stdout.write(`${JSON.stringify({ decision: outcome, risk, rule, message, ...rest })}\n`);
    });
}

function lint(): Command {
  return new Command('lint')
    .description(
      'Validate a policy file: prints "FILE: valid" or one line per problem (FILE:LINE: field: problem) and exits 78. ' +
        'With -o json, one object: {"file","valid":true,"version","rules"} or {"file","valid":false,"problems":[{"line","field","message"}]}.',
    )
    .argument('<file>', 'policy YAML file')
    .addOption(new Option('-o, --output <format>', 'output format: text, or json').choices(['text', 'json']))
    .action(async (file: string, options: { output?: 'text' | 'json' }) => {
      const json = (options.output ?? (outputIsJson() ? 'json' : 'text')) === 'json';
      const text = await readPolicyText(file);
      try {
        const policy = loadPolicy(text, file);
        process.stdout.write(json
          ? `${JSON.stringify({ file, valid: true, version: policy.version, rules: policy.rules.length })}\n`
          : `${file}: valid (policy version ${policy.version}, ${policy.rules.length} rules)\n`);
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        if (json) {
          const problems = error.problems.map((problem) => ({ line: problem.line, field: problem.path, message: problem.message }));
          process.stdout.write(`${JSON.stringify({ file, valid: false, problems })}\n`);
        } else {
          for (const problem of error.problems) process.stderr.write(`${formatProblem(file, problem)}\n`);
        }
        const count = error.problems.length;
        throw new ConfigError('ERR_POLICY_INVALID', `${file}: ${count} problem${count === 1 ? '' : 's'}, the policy cannot be used`);
      }
    });
}

function intent(): Command {
  return new Command('intent')
    .description('Print the command model (CommandIntent JSON) that policy rules match against, for a kubectl command line.')
    .argument('<kubectl-args...>', 'the kubectl command line (after --)')
    .passThroughOptions()
    .action((args: string[]) => {
      process.stdout.write(`${JSON.stringify(parseIntent(args), null, 2)}\n`);
    });
}

function showDefault(): Command {
  return new Command('default')
    .description('Print the policy hkubectl ships (a bank-grade starting point to copy and adapt).')
    .action(() => {
      process.stdout.write(DEFAULT_POLICY_YAML);
    });
}

const SCHEMA_HELP = `
Policy file (version 1; \`hkubectl policy default\` prints a complete example):
  version: 1
  approvers: { groups: [approvers] }        # members are humans; everyone else is an agent
  namespaceClasses: { production: [prod, production, "*-prod"] }
  defaults: { action: approve, mask: standard, record: true, approval: { wait: 5m, ttl: 1h } }
  risk: { approveAt: 65, denyAt: 90, agent: 10, resources: { secrets: 25 }, namespaceClasses: { production: 25 } }
  rules:
    - id: writes-in-production
      match:                                 # all given fields must match; leave one out to match anything
        verbs: ["@write", "rollout restart"] # words, globs, or @read @write @access @local @other
        resources: [deploy, secrets]         # short names and kinds are normalised to plural.group
        namespaces: ["@production", "team-*"]
        names: ["web-*"]
        subresources: [exec]
        groups: [sre]  subjects: ["*@bank.example"]  actor: agent
        flags: [{ force: true, grace-period: 0 }, { all: true }]   # any one set, all flags in it
        # values compare as kubectl reads them (grace-period: 0 holds for 00, -0, 0x0); derived:
        # output-format: go-template|jsonpath|json|…, output-selects-values: true, immediate-deletion: true
        overrides: [server, token, kubeconfig]   # connection overrides (--server, --token, --context…)
        plugins: [convert]                   # kubectl-<name> plugins kubectl would run
        podEscapes: [hostNetwork, privileged] # pod specs leaving their container (or "*")
      action: approve                        # allow | deny | approve
      message: what the agent should do instead   # may name {overrides}, {plugin}, {podEscapes}
      requireReason: true  mask: strict  record: true
      approval: { groups: [sre-leads], wait: 10m, ttl: 30m }
      risk: { approveAt: 70, denyAt: 95 }

Precedence: deny rules win wherever they stand; otherwise the first matching allow/approve rule;
otherwise defaults. The risk score only escalates (allow → approve → deny), never relaxes;
a threshold of 101 turns that step off.
Lists match cautiously: deny/approve rules match if ANY resource, name or namespace matches,
allow rules only if ALL do; -A (or naming no objects) is allowed only by "*". Commands whose
objects come from files (-f, -k) match a resources list only if it holds "*". A resource name or
--raw path that does not resolve matches every deny/approve rule's resources it could be, and is
never allowed without approval. overrides, plugins and podEscapes match only commands that have one.`;

export default function command(): Command {
  return new Command('policy')
    .description('Check, lint and debug policies offline (the relay uses the same evaluation).')
    .enablePositionalOptions()
    .addHelpText('after', SCHEMA_HELP)
    .addCommand(check())
    .addCommand(lint())
    .addCommand(intent())
    .addCommand(showDefault());
}
