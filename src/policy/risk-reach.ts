// The risk factors about how far a command reaches past the cluster the relay knows and past its
// container: connection overrides, plugins and pod escapes. Each has its own name in the score,
// so an approver reads "--server=https://… +30" rather than a bigger number.
import { describeOverrides, SELECTION_FLAGS } from '../kubectl/connection-overrides.ts';
import type { CommandIntent } from '../kubectl/intent.ts';
import type { RiskFactor } from './types.ts';

/** Another server, identity or trust: the decision was made about a different cluster or person. */
const FOREIGN_OVERRIDE_POINTS = 30;
/** Another entry of the agent's own kubeconfig: the decision already follows it. */
const SELECTION_POINTS = 5;
const PLUGIN_POINTS = 25;
const POD_ESCAPE_POINTS = 40;

export function overridesFactor(intent: CommandIntent): RiskFactor {
  if (intent.overrides.length === 0) return { factor: 'overrides', points: 0, reason: 'connects as the kubeconfig says' };
  const foreign = intent.overrides.filter((override) => !SELECTION_FLAGS.has(override.flag));
  const points = Math.min(40, foreign.length * FOREIGN_OVERRIDE_POINTS + (intent.overrides.length - foreign.length) * SELECTION_POINTS);
  return { factor: 'overrides', points, reason: `connection overridden: ${describeOverrides(intent.overrides)}` };
}

export function pluginFactor(intent: CommandIntent): RiskFactor {
  if (intent.plugin === null) return { factor: 'plugin', points: 0, reason: 'a kubectl command, no plugin' };
  const where = intent.plugin.path === null ? '' : ` (${intent.plugin.path})`;
  return { factor: 'plugin', points: PLUGIN_POINTS, reason: `runs the plugin kubectl-${intent.plugin.name}${where}, a program policy cannot see into` };
}

export function podEscapeFactor(intent: CommandIntent): RiskFactor {
  if (intent.podEscapes.length === 0) return { factor: 'pod-escape', points: 0, reason: 'no pod spec leaves its container' };
  return { factor: 'pod-escape', points: POD_ESCAPE_POINTS, reason: `pod spec escapes its container: ${intent.podEscapes.join(', ')}` };
}
