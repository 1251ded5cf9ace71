// Synthetic kubectl output for the masking benches: `mixed` is what an agent mostly reads (YAML
// and JSON lists of pods and deployments, events, tables, logs, with a few secrets per MB from
// the test corpus), `secretHeavy` is `get secrets -A -o yaml` over and over. Deterministic, so
// two runs measure the same bytes.
import { readFileSync } from 'node:fs';

export const MB = 1024 * 1024;
export const corpusDir = new URL('../test/masking/corpus/', import.meta.url);

function repeatTo(parts: string[], bytes: number): Buffer {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = (parts[i % parts.length] as string).replaceAll('7d9f8c6b5', (100000000 + i).toString(36));
    out.push(part);
    size += part.length;
  }
  return Buffer.from(out.join(''), 'utf8').subarray(0, bytes);
}

function podYaml(i: number): string {
  return `- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2025-01-14T09:30:02Z"
    labels:
      app: web-${i % 17}
      pod-template-hash: 5f6b7c8d9
    name: web-${i}-5f6b7c8d9-${(i * 7919).toString(36)}
    namespace: team-${i % 9}
    ownerReferences:
    - apiVersion: apps/v1
      blockOwnerDeletion: true
      controller: true
      kind: ReplicaSet
      name: web-${i}-5f6b7c8d9
      uid: 7c9e6679-7425-40de-944b-e07fc1f9${(10000 + i).toString(16)}
    resourceVersion: "${48000000 + i}"
    uid: 16fd2706-8baf-433b-82eb-8c7fada8${(10000 + i).toString(16)}
  spec:
    containers:
    - env:
      - name: LOG_LEVEL
        value: info
      - name: DB_HOST
        value: pg.team-${i % 9}.svc.cluster.local
      image: registry.example.test/web@sha256:4c0b9d2b6c8f1e3a5d7f9b1c3e5a7d9f2b4c6e8a0d2f4b6c8e0a2c4e6f8a0b2c
      name: web
      ports:
      - containerPort: 8080
        protocol: TCP
      resources:
        limits:
          memory: 256Mi
        requests:
          cpu: 100m
      volumeMounts:
      - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
        name: kube-api-access-${(i * 31).toString(36)}
        readOnly: true
    serviceAccountName: default
    tolerations:
    - effect: NoExecute
      key: node.kubernetes.io/not-ready
      operator: Exists
      tolerationSeconds: 300
  status:
    hostIP: 10.0.${i % 250}.17
    phase: Running
    podIP: 10.244.${i % 250}.${i % 200}
    startTime: "2025-01-14T09:30:02Z"
`;
}

function deploymentJson(i: number): string {
  const applied = JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { annotations: {}, name: `api-${i}`, namespace: `team-${i % 9}` },
    spec: { replicas: 2, selector: { matchLabels: { app: `api-${i}` } }, template: { metadata: { labels: { app: `api-${i}` } }, spec: { containers: [{ image: 'registry.example.test/api:1.4.2', name: 'api', env: [{ name: 'MODE', value: 'live' }] }] } } },
  });
  return `        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "annotations": {
                    "deployment.kubernetes.io/revision": "${i % 7 + 1}",
                    "kubectl.kubernetes.io/last-applied-configuration": ${JSON.stringify(applied + '\n')}
                },
                "creationTimestamp": "2025-01-12T10:00:00Z",
                "generation": ${i % 5 + 1},
                "name": "api-${i}",
                "namespace": "team-${i % 9}",
                "resourceVersion": "${51000000 + i}",
                "uid": "8c1d2a7e-5f3b-4e9a-b6c4-2d8e0f1a${(10000 + i).toString(16)}"
            },
            "spec": {
                "progressDeadlineSeconds": 600,
                "replicas": 2,
                "selector": { "matchLabels": { "app": "api-${i}" } },
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "env": [ { "name": "MODE", "value": "live" } ],
                                "image": "registry.example.test/api@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                "imagePullPolicy": "IfNotPresent",
                                "name": "api"
                            }
                        ]
                    }
                }
            },
            "status": { "availableReplicas": 2, "observedGeneration": ${i % 5 + 1}, "readyReplicas": 2, "replicas": 2 }
        },
`;
}

function logLines(i: number): string {
  const s = String(i % 60).padStart(2, '0');
  return `2025-01-14T09:31:${s}.123Z INFO  request handled method=GET path=/api/v1/orders/${i} status=200 latency_ms=${i % 97} trace=${((i * 2654435761) >>> 0).toString(16)}
2025-01-14T09:31:${s}.456Z DEBUG cache hit key=order:${i} ttl=300 node=worker-${i % 5} ip=10.244.1.${i % 250}
{"level":"info","ts":"2025-01-14T09:31:${s}.789Z","msg":"reconciled","controller":"deployment","namespace":"team-${i % 9}","name":"api-${i}","duration":"${i % 40}.2ms"}
`;
}

function table(i: number): string {
  return `team-${i % 9}     web-${i}-5f6b7c8d9-abcde            1/1     Running   0              12m    10.244.${i % 250}.23   worker-${i % 5}        <none>           <none>\n`;
}

function event(i: number): string {
  return `team-${i % 9}   ${i % 59}m   Normal    Pulled    pod/web-${i}-5f6b7c8d9-abcde   Container image "registry.example.test/web:1.4.${i % 9}" already present on machine\n`;
}

const corpusFiles = ['get-secret.json', 'secret-generic.yaml', 'pod-with-env.yaml', 'logs-mixed.log', 'describe-secret.txt', 'get-events.txt', 'configmap.yaml', 'get-pods-wide.txt'];

/** Mixed kubectl output, `bytes` long: a secret-bearing corpus file every ~100 KB. */
export function mixedKubectlOutput(bytes: number): Buffer {
  const corpus = corpusFiles.map((name) => readFileSync(new URL(name, corpusDir), 'utf8') + '\n');
  const parts: string[] = [];
  for (let i = 0; i < 400; i++) {
    parts.push(podYaml(i), deploymentJson(i), logLines(i).repeat(6), table(i).repeat(12), event(i).repeat(8));
    if (i % 12 === 0) parts.push(corpus[(i / 12) % corpus.length] as string);
  }
  return repeatTo(parts, bytes);
}

/** `kubectl get secrets -A -o yaml`, over and over: every few lines a Secret value. */
export function secretHeavyOutput(bytes: number): Buffer {
  const yaml = readFileSync(new URL('get-secrets-all-namespaces.yaml', corpusDir), 'utf8');
  const items = yaml.slice(yaml.indexOf('- apiVersion'), yaml.indexOf('kind: List'));
  return repeatTo(['apiVersion: v1\nitems:\n', ...Array.from({ length: 200 }, () => items)], bytes);
}
