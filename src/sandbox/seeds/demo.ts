// The demo cluster: two environments, the usual workloads, and the things an agent must not
// leak (a database Secret whose connection URL embeds the password).
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
`;
