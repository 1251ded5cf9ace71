// A manifest that hides a ClusterRoleBinding to cluster-admin for agent-7 behind an innocent
// ConfigMap: what the gateway must refuse object by object, whichever client sends it.
export const SMUGGLED_BINDING_MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata: { name: innocent, namespace: staging }
data: { a: "1" }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: agent-7-is-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: agent-7 }]
`;
