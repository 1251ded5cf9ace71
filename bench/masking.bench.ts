// Masking throughput (one core, streaming in 64 KiB chunks as a pipe delivers them) on a mixed
// 50 MB kubectl-output corpus and on `get secrets -A -o yaml`-shaped input, plus recall and
// false positives on the test corpus. Run: npx vite-node bench/masking.bench.ts
import { readFileSync } from 'node:fs';
import { createStreamingMasker, maskText, type MaskProfileName } from '../src/masking/index.ts';

const MB = 1024 * 1024;
const corpusDir = new URL('../test/masking/corpus/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('cases.json', corpusDir), 'utf8')) as Record<
  string,
  { disappear: string[]; stay: string[]; profile?: MaskProfileName }
>;

function repeatTo(parts: string[], bytes: number): Buffer {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = (parts[i % parts.length] as string).replaceAll('7d9f8c6b5', (100000000 + i).toString(36));
    out.push(part);
    size += part.length;
  }
  return Buffer.from(out.join(''), 'utf8');
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

function logLines(i: number): string {
  return `2025-01-14T09:31:${String(i % 60).padStart(2, '0')}.123Z INFO  request handled method=GET path=/api/v1/orders/${i} status=200 latency_ms=${i % 97} trace=${(i * 2654435761 >>> 0).toString(16)}
2025-01-14T09:31:${String(i % 60).padStart(2, '0')}.456Z DEBUG cache hit key=order:${i} ttl=300 node=worker-${i % 5} ip=10.244.1.${i % 250}
`;
}

function table(i: number): string {
  return `team-${i % 9}     web-${i}-5f6b7c8d9-abcde            1/1     Running   0              12m    10.244.${i % 250}.23   worker-${i % 5}        <none>           <none>\n`;
}

const corpusTexts = Object.keys(cases).map((name) => readFileSync(new URL(name, corpusDir), 'utf8') + '\n');
const mixedParts: string[] = [];
for (let i = 0; i < 400; i++) {
  mixedParts.push(podYaml(i), logLines(i).repeat(8), table(i).repeat(20));
  if (i % 10 === 0) mixedParts.push(corpusTexts[i / 10 % corpusTexts.length] as string);
}
const mixed = repeatTo(mixedParts, 50 * MB);

const secretsYaml = readFileSync(new URL('get-secrets-all-namespaces.yaml', corpusDir), 'utf8');
const items = secretsYaml.slice(secretsYaml.indexOf('- apiVersion'), secretsYaml.indexOf('kind: List'));
const secrets = repeatTo(['apiVersion: v1\nitems:\n', ...Array.from({ length: 200 }, () => items)], 20 * MB);

function throughput(input: Buffer, profile: MaskProfileName, runs: number): { mbps: number; masked: number } {
  const times: number[] = [];
  let masked = 0;
  for (let r = 0; r < runs; r++) {
    const masker = createStreamingMasker({ profile });
    const t0 = performance.now();
    for (let at = 0; at < input.length; at += 65536) masker.push(input.subarray(at, at + 65536));
    masker.flush();
    times.push(performance.now() - t0);
    masked = Object.values(masker.counts).reduce((a, b) => a + b, 0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  return { mbps: input.length / MB / (median / 1000), masked };
}

throughput(mixed.subarray(0, 4 * MB), 'standard', 2); // warm-up
for (const profile of ['standard', 'strict'] as const) {
  const m = throughput(mixed, profile, 5);
  console.log(`mixed kubectl output  ${(mixed.length / MB).toFixed(0)} MB  profile=${profile.padEnd(8)} ${m.mbps.toFixed(0).padStart(5)} MB/s (median of 5)  values masked: ${m.masked}`);
}
const s = throughput(secrets, 'standard', 5);
console.log(`get secrets -A -o yaml ${(secrets.length / MB).toFixed(0)} MB  profile=standard ${s.mbps.toFixed(0).padStart(5)} MB/s (median of 5)  values masked: ${s.masked}`);

let secretsTotal = 0, secretsCaught = 0, keepTotal = 0, keepLost = 0;
const misses: string[] = [];
for (const [name, spec] of Object.entries(cases)) {
  const text = maskText(readFileSync(new URL(name, corpusDir), 'utf8'), { profile: spec.profile }).text;
  for (const secret of spec.disappear) {
    secretsTotal++;
    if (text.includes(secret)) misses.push(`${name}: leaked ${secret.slice(0, 24)}…`);
    else secretsCaught++;
  }
  for (const keep of spec.stay) {
    keepTotal++;
    if (!text.includes(keep)) {
      keepLost++;
      misses.push(`${name}: masked look-alike ${keep}`);
    }
  }
}
console.log(`corpus recall ${secretsCaught}/${secretsTotal} secrets masked; false positives ${keepLost}/${keepTotal} look-alikes masked`);
for (const miss of misses) console.log(`  ${miss}`);
