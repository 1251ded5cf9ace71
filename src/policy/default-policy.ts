// The policy hkubectl ships: a starting point for a bank. Platform teams copy it, adjust it and
// point the relay at their copy; `hkubectl policy check` uses it when no --policy is given.
import { loadPolicy } from './load.ts';
import type { Policy } from './types.ts';

export const DEFAULT_POLICY_SOURCE = 'default-policy.yaml';

export const DEFAULT_POLICY_YAML = `# hkubectl default policy (version 1).
#
# Precedence: deny rules (guardrails) win wherever they are written; then the first matching
# allow/approve rule in this file; then "defaults". The risk score can only make a decision
# stricter: at or above risk.approveAt an allow needs approval, at or above risk.denyAt it is denied.
# Anyone outside the approver groups is treated as an agent.
version: 1

approvers:
  groups: [approvers]

namespaceClasses:
  production: [prod, production, "*-prod"]
  system: [kube-system, kube-public, kube-node-lease]

defaults:
  action: approve
  message: no rule of the policy covers this command
  mask: standard
  record: true
  approval: { wait: 5m, ttl: 1h }

risk:
  approveAt: 65
  denyAt: 90
  agent: 10
  namespaceClasses: { production: 25, system: 25 }

rules:
  # --- Guardrails -------------------------------------------------------------------------------
  - id: no-namespace-delete
    match: { verbs: [delete], resources: [namespaces] }
    action: deny
    message: >-
      deleting a namespace is blocked because it deletes everything in it; delete the objects you
      mean by name instead

  - id: no-rbac-changes
    match: { verbs: ["@write"], resources: ["*.rbac.authorization.k8s.io"] }
    action: deny
    message: >-
      RBAC changes (roles and bindings) are blocked here; they go through the access-management
      change process

  - id: no-rbac-reconcile
    match: { verbs: [auth reconcile] }
    action: deny
    message: >-
      kubectl auth reconcile writes RBAC objects, which is blocked here; they go through the
      access-management change process

  - id: no-mass-delete
    match:
      verbs: [delete]
      flags: [{ all: true }, { selector: true }, { field-selector: true }]
    action: deny
    message: >-
      deleting with --all or a selector is blocked; list the objects with kubectl get and the same
      selector, then delete them by name

  - id: no-node-drain
    match: { verbs: [drain] }
    action: deny
    message: >-
      draining nodes is blocked for agents and people alike; node maintenance belongs to the
      platform team (kubectl cordon, with approval, stops new pods landing there)

  - id: no-force-zero-grace
    match: { flags: [{ immediate-deletion: true }, { force: true, grace-period: 0 }] }
    action: deny
    message: >-
      --force with a grace period of 0 (or none: kubectl delete --force alone deletes at once)
      removes objects without waiting for them to stop, which can corrupt data; run the command
      without --force

  - id: no-api-proxy
    match: { verbs: [proxy] }
    action: deny
    message: >-
      kubectl proxy opens a tunnel to the API that no policy sees; run the kubectl commands you
      need through hkubectl instead

  - id: no-impersonation
    match: { flags: [{ as: true }, { as-group: true }, { as-uid: true }] }
    action: deny
    message: >-
      --as/--as-group impersonate another identity, which would hide who acted; run the command
      as yourself

  # --- Guardrails on how a command is spelt (resource names, --raw paths, output) -------------
  # A resource name or --raw path that does not resolve meets every guardrail it could fall under
  # and is never allowed outright. A Go template can print a Secret's value, or any function of
  # it, in a form no masker recognises; until masking happens in the API layer, no template runs
  # over anything that may hold Secrets.
  - id: no-templates-over-secrets
    match:
      resources: [secrets]
      flags:
        - { output-format: go-template }
        - { output-format: go-template-file }
        - { output-selects-values: true }
    action: deny
    message: &templates >-
      go-template output (-o go-template, template, go-template-file, templatefile, --template),
      and jsonpath or custom-columns that pick out Secret data, are blocked for commands that can
      return Secrets: they print values in forms the masking cannot recognise. Use -o yaml, -o
      json, -o name or the default table (Secret values masked), -o jsonpath='{.data}' or
      '{.data.KEY}', or jsonpath and custom-columns over metadata such as
      '{.items[*].metadata.name}'

  - id: no-templates-over-manifests
    match:
      flags:
        - { output-format: go-template, filename: true }
        - { output-format: go-template-file, filename: true }
        - { output-format: go-template, kustomize: true }
        - { output-format: go-template-file, kustomize: true }
        - { output-selects-values: true, filename: true }
        - { output-selects-values: true, kustomize: true }
    action: deny
    message: *templates

  - id: no-resolved-secret-env
    match: { verbs: [set env], flags: { resolve: true } }
    action: deny
    message: >-
      kubectl set env --resolve prints the values of the Secrets that containers' variables refer
      to, decoded, past the masking; list the variables without --resolve, which shows the Secret
      and key each one comes from

  - id: raw-api-access
    match:
      verbs: [get, create, replace, delete]
      flags: { raw: true }
      subresources: [exec, attach, portforward, proxy, token]
    action: approve
    requireReason: true
    message: >-
      a --raw request to exec, attach, port-forward, proxy or token endpoints opens a channel
      into a workload or node, or mints a credential, which needs approval

  # --- Reach: connection overrides, CRDs, system namespaces, escaping pods (guardrails) ------------
  - id: no-connection-overrides
    match:
      actor: agent
      overrides: [server, token, username, password, client-certificate, client-key, certificate-authority,
        insecure-skip-tls-verify, tls-server-name, kubeconfig]
    action: deny
    message: >-
      {overrides} would send this command and your credentials to another server, as another
      identity or without checking the server's certificate; the relay decides on the cluster it
      knows from your own kubeconfig, so drop the flag (--context, --cluster and --user may name
      entries of your own kubeconfig)

  - id: no-crd-delete
    match: { verbs: [delete], resources: [customresourcedefinitions] }
    action: deny
    message: >-
      deleting a CustomResourceDefinition deletes every object of that kind in every namespace,
      cluster-wide; it is blocked like a namespace delete and belongs to the platform team

  - id: no-crd-delete-raw
    match: { verbs: [delete], flags: { raw: "*customresourcedefinitions*" } }
    action: deny
    message: >-
      deleting a CustomResourceDefinition deletes every object of that kind in every namespace,
      cluster-wide; it is blocked like a namespace delete and belongs to the platform team

  - id: no-system-namespace-changes
    match: { actor: agent, verbs: ["@write", "@access"], namespaces: ["@system"], flags: { dry-run: false } }
    action: deny
    message: >-
      kube-system, kube-public and kube-node-lease belong to the platform team: agents may read
      there, but not change anything, open a shell or a tunnel

  - id: no-system-secret-reads
    match: { actor: agent, verbs: ["@read"], resources: [secrets], namespaces: ["@system"] }
    action: deny
    message: >-
      Secrets in kube-system, kube-public and kube-node-lease hold the cluster's own credentials;
      agents may not read them, even masked (name the namespace you mean with -n, not -A)

  - id: no-pod-escapes
    match: { actor: agent, podEscapes: ["*"], flags: { dry-run: false } }
    action: deny
    message: >-
      this pod spec escapes its container ({podEscapes}), which is root on the node; agents may not
      create such pods: drop the setting, or ask a person to run it

  # --- Exceptions first, then approvals, then allows (first match wins) -------------------------
  - id: dry-runs
    description: dry runs change nothing
    match: { verbs: ["@write"], flags: { dry-run: true } }
    action: allow

  # People (approver groups) get approval where agents are blocked above; plugins need approval.
  - id: connection-overrides-by-people
    match:
      actor: human
      overrides: [server, token, username, password, client-certificate, client-key, certificate-authority,
        insecure-skip-tls-verify, tls-server-name, kubeconfig]
    action: approve
    requireReason: true
    message: "{overrides} point this command at a server, identity or trust the relay has not decided on"

  - id: system-namespaces-by-people
    match: { actor: human, verbs: ["@write", "@access"], namespaces: ["@system"] }
    action: approve
    requireReason: true
    message: changes, shells and tunnels in kube-system, kube-public and kube-node-lease need approval

  - id: system-secrets-by-people
    match: { actor: human, verbs: ["@read"], resources: [secrets], namespaces: ["@system"] }
    action: approve
    requireReason: true
    message: reading the cluster's own Secrets (kube-system, kube-public, kube-node-lease) needs approval

  - id: pod-escapes-by-people
    match: { actor: human, podEscapes: ["*"] }
    action: approve
    requireReason: true
    message: "this pod spec escapes its container ({podEscapes}), which is root on the node"

  # A plugin is a program of its own, run with your credentials. To let a known one run, add a rule
  # above this one, e.g. kubectl convert (rewrites manifests between API versions, reads only):
  #   - id: convert-plugin
  #     match: { plugins: [convert] }
  #     action: allow
  - id: plugins
    match: { plugins: ["*"] }
    action: approve
    message: this runs the plugin {plugin}, a program policy cannot see into

  - id: access-in-production
    description: exec, attach, port-forward, cp and debug in production
    match: { verbs: ["@access"], namespaces: ["@production"] }
    action: approve
    requireReason: true
    message: opening a shell, tunnel or copy into a production workload needs approval
    approval: { wait: 10m, ttl: 30m }

  - id: node-access
    match: { verbs: ["@access"], resources: [nodes] }
    action: approve
    requireReason: true
    message: debugging a node gives root access to it, which needs approval

  - id: writes-in-production
    match: { verbs: ["@write"], namespaces: ["@production"] }
    action: approve
    requireReason: true
    message: changes in a production namespace need approval

  - id: writes-from-files
    match: { verbs: ["@write"], flags: [{ filename: true }, { kustomize: true }] }
    action: approve
    message: >-
      the policy cannot see which objects and namespaces a manifest file holds, so applying one
      needs approval (a --dry-run=server run does not)

  - id: cluster-scoped-writes
    match:
      verbs: ["@write"]
      resources: [nodes, namespaces, persistentvolumes, storageclasses, customresourcedefinitions,
        mutatingwebhookconfigurations, validatingwebhookconfigurations, priorityclasses,
        certificatesigningrequests, apiservices, csidrivers, runtimeclasses, ingressclasses]
    action: approve
    requireReason: true
    message: changes to cluster-wide objects need approval

  - id: service-account-tokens
    match: { verbs: [create token] }
    action: approve
    requireReason: true
    message: a service-account token is a credential that works without hkubectl, so minting one needs approval

  - id: secrets-read-masked
    description: Secrets are readable, with their values masked
    match: { verbs: ["@read"], resources: [secrets] }
    action: allow
    mask: strict

  - id: reads
    description: reading is allowed
    match: { verbs: ["@read"] }
    action: allow

  - id: local-commands
    description: commands that never contact a cluster (config view --raw prints credentials, hence strict masking)
    match: { verbs: ["@local"] }
    action: allow
    mask: strict

  - id: writes
    description: changes outside production are allowed
    match: { verbs: ["@write"] }
    action: allow

  - id: access
    description: exec, attach, port-forward, cp and debug outside production are allowed
    match: { verbs: ["@access"] }
    action: allow
`;

let cached: Policy | undefined;

export function defaultPolicy(): Policy {
  cached ??= loadPolicy(DEFAULT_POLICY_YAML, DEFAULT_POLICY_SOURCE);
  return cached;
}
