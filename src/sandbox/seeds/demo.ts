// The demo cluster: two environments, the usual workloads, the things an agent must not leak (a
// database Secret whose connection URL embeds the password), and who may do what (RBAC).
export const DEMO_SEED = `apiVersion: v1
kind: Namespace
metadata:
  name: prod
---
apiVersion: v1
kind: Namespace
metadata:
  name: staging
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  labels: { app: web }
spec:
  replicas: 3
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: staging
  labels: { app: web }
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments-api
  namespace: prod
  labels: { app: payments-api }
spec:
  replicas: 2
  selector:
    matchLabels: { app: payments-api }
  template:
    metadata:
      labels: { app: payments-api }
    spec:
      containers:
        - name: api
          image: ghcr.io/example/payments-api:2.4.1
          ports:
            - containerPort: 8080
          env:
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: { name: db-credentials, key: url }
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: prod
spec:
  selector: { app: web }
  ports:
    - port: 80
      targetPort: 80
---
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
  namespace: prod
type: Opaque
stringData:
  username: payments
  password: s3cr3t-Pa55w0rd!
  url: postgres://payments:s3cr3t-Pa55w0rd!@db.prod.svc:5432/payments
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: prod
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: checkout-v2,fast-refunds
---
apiVersion: v1
kind: Pod
metadata:
  name: echo
  namespace: prod
  labels: { app: echo }
spec:
  containers:
    - name: echo
      image: hashicorp/http-echo:1.0
      ports:
        - containerPort: 8080
---
# Least privilege per agent. agent-7 reads in prod and staging (no Secrets but the one its
# incident needs, by name), writes in staging, and in prod may only exec and scale, which the
# relay's policy sends to a human first.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: hk:agent-read
rules:
  - apiGroups: [""]
    resources: [pods, pods/log, services, endpoints, configmaps, events, serviceaccounts]
    verbs: [get, list, watch]
  - apiGroups: [apps]
    resources: [deployments, deployments/scale, replicasets]
    verbs: [get, list, watch]
  - apiGroups: [batch]
    resources: [jobs]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: hk:agent-write
rules:
  - apiGroups: [""]
    resources: [pods, services, configmaps]
    verbs: [create, update, patch, delete, deletecollection]
  - apiGroups: [""]
    resources: [pods/exec, pods/portforward]
    verbs: [get, create]
  - apiGroups: [apps]
    resources: [deployments, deployments/scale, replicasets]
    verbs: [create, update, patch, delete, deletecollection]
  - apiGroups: [batch]
    resources: [jobs]
    verbs: [create, update, patch, delete, deletecollection]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: agent-operate
  namespace: prod
rules:
  - apiGroups: [""]
    resources: [pods/exec]
    verbs: [get, create]
  - apiGroups: [apps]
    resources: [deployments/scale]
    verbs: [update, patch]
  - apiGroups: [""]
    resources: [secrets]
    resourceNames: [db-credentials]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: agent-7-read
  namespace: prod
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "hk:agent-read" }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: agent-7 }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: agent-7-operate
  namespace: prod
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: agent-operate }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: agent-7 }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: agent-7-read
  namespace: staging
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "hk:agent-read" }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: agent-7 }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: agent-7-write
  namespace: staging
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "hk:agent-write" }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: agent-7 }
---
# The approvers are people with broader roles: alice administers both environments, bob edits
# staging and reads prod.
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: alice-admin
  namespace: prod
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: alice }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: alice-admin
  namespace: staging
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: alice }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: bob-edit
  namespace: staging
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: bob }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: bob-view
  namespace: prod
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: bob }
---
# The relay (the gateway of the upcoming data path) may impersonate the agents and their group,
# and do nothing else: not even as itself can it read, and it cannot become system:masters.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: hk:relay-impersonator
rules:
  - apiGroups: [""]
    resources: [users]
    resourceNames: [agent-7]
    verbs: [impersonate]
  - apiGroups: [""]
    resources: [groups]
    resourceNames: [agents, system:authenticated]
    verbs: [impersonate]
  - apiGroups: [authentication.k8s.io]
    resources: ["*"]
    verbs: [impersonate]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: hkubectl-relay
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "hk:relay-impersonator" }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: hkubectl-relay }
`;

/**
 * The people and services the demo cluster knows, as a token table would list them (each gets a
 * random token at start): the agent in group `agents`, the approvers in `approvers`, and the relay.
 */
export const DEMO_USERS: readonly { name: string; uid: string; groups: string[] }[] = [
  { name: 'agent-7', uid: 'uid-agent-7', groups: ['agents'] },
  { name: 'alice', uid: 'uid-alice', groups: ['approvers'] },
  { name: 'bob', uid: 'uid-bob', groups: ['approvers'] },
  { name: 'hkubectl-relay', uid: 'uid-hkubectl-relay', groups: ['relays'] },
];
