// The command model: what a kubectl command line *does*, in a shape policy can match on.
// Produced by parseIntent (src/kubectl/parse-intent.ts); pure data, JSON-serialisable.
import type { ConnectionOverride } from './connection-overrides.ts';
import type { PodEscape } from './pod-escape.ts';
import type { PluginRef } from './plugins.ts';

export type DryRun = 'none' | 'client' | 'server';

/** Flag values as kubectl saw them: booleans for bool flags, strings (or lists when repeated). */
export type FlagValue = boolean | string | string[];

export interface CommandIntent {
  /** kubectl verb, with its sub-verb where kubectl has one: "get", "rollout restart", "create secret generic". */
  verb: string;
  /** Canonical lower-case plurals with API group ("deployments.apps"); unrecognised names lower-cased, as written. */
  resources: string[];
  names: string[];
  namespace: string | null;
  allNamespaces: boolean;
  /** "exec", "attach", "portforward", "log", "proxy", "scale", "status"… where the verb acts on one. */
  subresource: string | null;
  selector: string | null;
  filenames: string[];
  dryRun: DryRun;
  force: boolean;
  output: string | null;
  context: string | null;
  /** For exec/run/debug: what runs in the container (after `--`). */
  containerCommand: string[];
  interactive: boolean;
  tty: boolean;
  /** Positionals that are neither resources nor names: label pairs, images, ports, taints, cp paths. */
  args: string[];
  /** Every other flag, keyed by its long name without dashes. */
  flags: Record<string, FlagValue>;
  /**
   * Resource types, and `--raw` paths, that kubectl's rules do not resolve against the known API.
   * Policy decides them as the most sensitive thing they could name (see src/policy/unrecognised.ts).
   */
  unrecognised: string[];
  /** The cluster kubectl talks to: `--cluster`, or (filled in from the kubeconfig) the context's server. */
  cluster: string | null;
  /** Flags that change where kubectl connects or as whom (connection-overrides.ts). */
  overrides: ConnectionOverride[];
  /** Set when kubectl will run a `kubectl-<name>` plugin rather than a command of its own (plugins.ts). */
  plugin: PluginRef | null;
  /** Ways the pod specs this command shows escape their container (pod-escape.ts). */
  podEscapes: PodEscape[];
}
