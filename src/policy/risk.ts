// Explainable risk: a score from 0 to 100 that is the sum of nine factors, each with its points and
// a reason a human approver (or the agent) can read. Points are deliberately coarse: the score
// is there to rank and to escalate (policy thresholds), not to pretend to precision.
import { isImmediateDeletion, parseGoBool } from '../kubectl/flag-values.ts';
import type { CommandIntent } from '../kubectl/intent.ts';
import { overridesFactor, pluginFactor, podEscapeFactor } from './risk-reach.ts';
import { actorOf, affectedNamespaces } from './subject.ts';
import type { Identity, Policy, RiskFactor, RiskScore } from './types.ts';
import { verbClass } from './verbs.ts';

const VERB_POINTS: Record<string, number> = {
  logs: 5, create: 15, apply: 15, patch: 15, edit: 15, replace: 15, label: 10, annotate: 10, scale: 15,
  autoscale: 10, set: 15, 'rollout restart': 15, 'rollout undo': 20, 'rollout pause': 10, 'rollout resume': 10,
  expose: 10, run: 15, cordon: 20, uncordon: 10, taint: 20, drain: 40, delete: 30, certificate: 30,
  'auth reconcile': 25, exec: 25, attach: 20, cp: 20, 'port-forward': 15, debug: 25, proxy: 30,
};
const CLASS_POINTS = { read: 0, local: 0, write: 15, access: 20, other: 20 } as const;

export const DEFAULT_RESOURCE_POINTS: ReadonlyMap<string, number> = new Map([
  ['secrets', 25], ['namespaces', 25], ['nodes', 20], ['serviceaccounts', 15], ['persistentvolumes', 15],
  ['persistentvolumeclaims', 10], ['configmaps', 5], ['pods', 5], ['services', 5],
  ['roles.rbac.authorization.k8s.io', 25], ['rolebindings.rbac.authorization.k8s.io', 25],
  ['clusterroles.rbac.authorization.k8s.io', 25], ['clusterrolebindings.rbac.authorization.k8s.io', 25],
  ['customresourcedefinitions.apiextensions.k8s.io', 20],
  ['mutatingwebhookconfigurations.admissionregistration.k8s.io', 25],
  ['validatingwebhookconfigurations.admissionregistration.k8s.io', 25],
  ['certificatesigningrequests.certificates.k8s.io', 20], ['networkpolicies.networking.k8s.io', 15],
  ['deployments.apps', 10], ['statefulsets.apps', 10], ['daemonsets.apps', 10],
]);
const OTHER_RESOURCE_POINTS = 5;

function verbFactor(intent: CommandIntent): RiskFactor {
  const kind = verbClass(intent);
  const points = VERB_POINTS[intent.verb] ?? VERB_POINTS[intent.verb.split(' ')[0] ?? ''] ?? CLASS_POINTS[kind];
  if (intent.dryRun !== 'none' && kind === 'write') {
    return { factor: 'verb', points: Math.min(points, 2), reason: `${intent.verb} with --dry-run=${intent.dryRun}: nothing is changed` };
  }
  return { factor: 'verb', points, reason: `${intent.verb || '(no command)'} is ${kind === 'other' ? 'a command policy does not know' : `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} command`}` };
}

function resourceFactor(intent: CommandIntent, policy: Policy): RiskFactor {
  if (intent.unrecognised.length > 0) {
    // It could be anything, so it counts as the most sensitive resource the policy knows.
    const points = Math.max(...DEFAULT_RESOURCE_POINTS.values(), ...policy.risk.resources.values());
    return { factor: 'resource', points, reason: `${intent.unrecognised.join(', ')} not recognised, counted as the most sensitive resource` };
  }
  if (intent.resources.length === 0) {
    const fromFiles = intent.filenames.length > 0;
    return { factor: 'resource', points: fromFiles ? 10 : 0, reason: fromFiles ? 'resources come from files the policy cannot see' : 'no resource named' };
  }
  let top = intent.resources[0] ?? '';
  let points = -1;
  for (const resource of intent.resources) {
    const value = policy.risk.resources.get(resource) ?? OTHER_RESOURCE_POINTS;
    if (value > points) [top, points] = [resource, value];
  }
  return { factor: 'resource', points, reason: `${top} sensitivity` };
}

function namespaceFactor(intent: CommandIntent, policy: Policy): RiskFactor {
  const classPoints = policy.risk.namespaceClasses;
  const affected = affectedNamespaces(intent);
  let best: [string, string, number] = ['', '', 0];
  if (affected === 'all') {
    for (const [name, points] of classPoints) if (points > best[2]) best = [name, '', points];
    return { factor: 'namespace', points: best[2], reason: best[2] > 0 ? `all namespaces, ${best[0]} ones included` : 'all namespaces' };
  }
  for (const [name, matches] of policy.namespaceClasses) {
    const points = classPoints.get(name) ?? 0;
    if (points <= best[2]) continue;
    const hit = affected.find(matches);
    if (hit !== undefined) best = [name, hit, points];
  }
  if (best[2] > 0) return { factor: 'namespace', points: best[2], reason: `namespace ${best[1]} is ${best[0]}` };
  return { factor: 'namespace', points: 0, reason: `namespace ${affected.join(', ')}` };
}

function breadthFactor(intent: CommandIntent): RiskFactor {
  const parts: Array<[number, string]> = [];
  if (intent.allNamespaces) parts.push([15, '--all-namespaces']);
  if (intent.flags['all'] === true) parts.push([20, '--all']);
  if (intent.selector !== null) parts.push([10, `selector ${intent.selector}`]);
  if (intent.flags['field-selector'] !== undefined) parts.push([10, '--field-selector']);
  if (intent.names.length > 3) parts.push([10, `${intent.names.length} names`]);
  if (parts.length === 0) return { factor: 'breadth', points: 0, reason: intent.names.length > 0 ? 'named objects only' : 'no widening flags' };
  const sum = parts.reduce((total, [points]) => total + points, 0);
  // Reading many objects is common and harmless compared with changing many.
  const reads = verbClass(intent) === 'read';
  const points = Math.min(30, reads ? Math.floor(sum / 2) : sum);
  return { factor: 'breadth', points, reason: parts.map(([, text]) => text).join(', ') + (reads ? ' (read)' : '') };
}

function forceFactor(intent: CommandIntent): RiskFactor {
  const parts: Array<[number, string]> = [];
  const flag = (name: string) => intent.flags[name];
  if (intent.force) parts.push([15, '--force']);
  // Flag values arrive as kubectl reads them (parse-intent normalises --grace-period=00 to "0").
  if (isImmediateDeletion(intent)) parts.push([15, 'immediate deletion (--force with a grace period of 0 or none)']);
  else if (flag('grace-period') === '0') parts.push([15, '--grace-period=0']);
  if (flag('now') === true) parts.push([5, '--now']);
  // kubectl still reads the deprecated bool spellings: --cascade=false is orphan, --validate=0 is ignore.
  const isFalse = (value: unknown) => value === false || (typeof value === 'string' && parseGoBool(value) === false);
  if (flag('cascade') === 'orphan' || isFalse(flag('cascade'))) parts.push([5, '--cascade=orphan']);
  if (flag('validate') === 'ignore' || isFalse(flag('validate'))) parts.push([5, '--validate=false']);
  if (flag('disable-eviction') === true) parts.push([15, '--disable-eviction']);
  if (flag('delete-emptydir-data') === true) parts.push([10, '--delete-emptydir-data']);
  if (parts.length === 0) return { factor: 'force', points: 0, reason: 'no force flags' };
  const points = Math.min(30, parts.reduce((total, [value]) => total + value, 0));
  return { factor: 'force', points, reason: parts.map(([, text]) => text).join(', ') };
}

function identityFactor(identity: Identity, policy: Policy): RiskFactor {
  if (actorOf(identity, policy) === 'human') {
    return { factor: 'identity', points: 0, reason: `${identity.subject} is a human approver` };
  }
  const groups = policy.approverGroups.join(', ') || 'none defined';
  return { factor: 'identity', points: policy.risk.agentPoints, reason: `${identity.subject} is an agent (not in approver groups: ${groups})` };
}

export function score(intent: CommandIntent, identity: Identity, policy: Policy): RiskScore {
  const factors = [
    verbFactor(intent), resourceFactor(intent, policy), namespaceFactor(intent, policy),
    breadthFactor(intent), forceFactor(intent), identityFactor(identity, policy),
    overridesFactor(intent), pluginFactor(intent), podEscapeFactor(intent),
  ];
  const total = factors.reduce((sum, factor) => sum + factor.points, 0);
  return { score: Math.max(0, Math.min(100, total)), factors };
}
