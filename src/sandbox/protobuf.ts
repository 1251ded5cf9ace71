// kubectl's typed clients (`create namespace|secret|…`, `auth can-i`, `auth whoami`) send bodies as
// Kubernetes protobuf: the magic `k8s\0`, then a runtime.Unknown envelope whose `raw` is the
// object's message. This decodes the kinds the sandbox serves into their JSON form. The schema
// is the subset of k8s.io/api generated.proto those commands fill in (field numbers as upstream);
// unknown fields are skipped, as protobuf decoders do.
import protobuf from 'protobufjs';
import { StatusError, badRequest } from './status.ts';

const SCHEMA = `
syntax = "proto2";
package k8s;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; optional bool blockOwnerDeletion = 7; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string uid = 5;
  optional string resourceVersion = 6; optional int64 generation = 7; optional Time creationTimestamp = 8;
  map<string, string> labels = 11; map<string, string> annotations = 12; repeated OwnerReference ownerReferences = 13; repeated string finalizers = 14;
}
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message Quantity { optional string string = 1; }
message ContainerPort { optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3; optional string protocol = 4; optional string hostIP = 5; }
message EnvVar { optional string name = 1; optional string value = 2; }
message ResourceRequirements { map<string, Quantity> limits = 1; map<string, Quantity> requests = 2; }
message Container {
  optional string name = 1; optional string image = 2; repeated string command = 3; repeated string args = 4; optional string workingDir = 5;
  repeated ContainerPort ports = 6; repeated EnvVar env = 7; optional ResourceRequirements resources = 8;
  optional string terminationMessagePath = 13; optional string imagePullPolicy = 14; optional bool stdin = 16; optional bool stdinOnce = 17; optional bool tty = 18;
  optional string terminationMessagePolicy = 20;
}
message LocalObjectReference { optional string name = 1; }
message PodSpec {
  repeated Container containers = 2; optional string restartPolicy = 3; optional int64 terminationGracePeriodSeconds = 4; optional int64 activeDeadlineSeconds = 5;
  optional string dnsPolicy = 6; map<string, string> nodeSelector = 7; optional string serviceAccountName = 8; optional string nodeName = 10;
  repeated LocalObjectReference imagePullSecrets = 15; optional string hostname = 16; optional string schedulerName = 19; repeated Container initContainers = 20;
}
message PodTemplateSpec { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message Pod { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message NamespaceSpec { repeated string finalizers = 1; }
message Namespace { optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; }
message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5; }
message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4; }
message ObjectReference { optional string kind = 1; optional string namespace = 2; optional string name = 3; }
message ServiceAccount { optional ObjectMeta metadata = 1; repeated ObjectReference secrets = 2; repeated LocalObjectReference imagePullSecrets = 3; optional bool automountServiceAccountToken = 4; }
message ServicePort { optional string name = 1; optional string protocol = 2; optional int32 port = 3; optional IntOrString targetPort = 4; optional int32 nodePort = 5; optional string appProtocol = 6; }
message ServiceSpec { repeated ServicePort ports = 1; map<string, string> selector = 2; optional string clusterIP = 3; optional string type = 4; repeated string externalIPs = 5; optional string sessionAffinity = 7; optional string externalName = 10; repeated string clusterIPs = 18; }
message Service { optional ObjectMeta metadata = 1; optional ServiceSpec spec = 2; }
message RollingUpdateDeployment { optional IntOrString maxUnavailable = 1; optional IntOrString maxSurge = 2; }
message DeploymentStrategy { optional string type = 1; optional RollingUpdateDeployment rollingUpdate = 2; }
message DeploymentSpec { optional int32 replicas = 1; optional LabelSelector selector = 2; optional PodTemplateSpec template = 3; optional DeploymentStrategy strategy = 4; optional int32 minReadySeconds = 5; optional int32 revisionHistoryLimit = 6; optional bool paused = 7; optional int32 progressDeadlineSeconds = 9; }
message Deployment { optional ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; }
message JobSpec { optional int32 parallelism = 1; optional int32 completions = 2; optional int64 activeDeadlineSeconds = 3; optional LabelSelector selector = 4; optional bool manualSelector = 5; optional PodTemplateSpec template = 6; optional int32 backoffLimit = 7; optional int32 ttlSecondsAfterFinished = 8; optional string completionMode = 9; optional bool suspend = 10; }
message Job { optional ObjectMeta metadata = 1; optional JobSpec spec = 2; }
message PolicyRule { repeated string verbs = 1; repeated string apiGroups = 2; repeated string resources = 3; repeated string resourceNames = 4; repeated string nonResourceURLs = 5; }
message Role { optional ObjectMeta metadata = 1; repeated PolicyRule rules = 2; }
message ClusterRole { optional ObjectMeta metadata = 1; repeated PolicyRule rules = 2; }
message Subject { optional string kind = 1; optional string apiGroup = 2; optional string name = 3; optional string namespace = 4; }
message RoleRef { optional string apiGroup = 1; optional string kind = 2; optional string name = 3; }
message RoleBinding { optional ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
message ClusterRoleBinding { optional ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
message ResourceAttributes { optional string namespace = 1; optional string verb = 2; optional string group = 3; optional string version = 4; optional string resource = 5; optional string subresource = 6; optional string name = 7; }
message NonResourceAttributes { optional string path = 1; optional string verb = 2; }
message SelfSubjectAccessReviewSpec { optional ResourceAttributes resourceAttributes = 1; optional NonResourceAttributes nonResourceAttributes = 2; }
message SelfSubjectAccessReview { optional ObjectMeta metadata = 1; optional SelfSubjectAccessReviewSpec spec = 2; }
message SelfSubjectRulesReviewSpec { optional string namespace = 1; }
message SelfSubjectRulesReview { optional ObjectMeta metadata = 1; optional SelfSubjectRulesReviewSpec spec = 2; }
message SelfSubjectReview { optional ObjectMeta metadata = 1; }
`;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
let root: protobuf.Root | undefined;

export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';

// Go's generated marshallers write non-pointer fields even when empty; JSON (omitempty) leaves
// them out, and so must we, or `hostPort: 0` and `name: ""` show up on objects.
const ZERO_INTS = new Set(['hostPort', 'generation', 'nodePort', 'minReadySeconds']);
const isEmpty = (key: string, v: unknown) => v === '' || v === false || (v === 0 && ZERO_INTS.has(key));

/** JSON has IntOrString as a bare number or string, Quantity as a string, Time as RFC 3339. */
function toJsonShapes(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => toJsonShapes(v));
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  if (['targetPort', 'maxSurge', 'maxUnavailable'].includes(key)) return Number(obj.type ?? 0) === 1 ? obj.strVal : (obj.intVal ?? 0);
  if (key === 'creationTimestamp') return !obj.seconds ? undefined : new Date(Number(obj.seconds ?? 0) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  if (key === 'limits' || key === 'requests') return Object.fromEntries(Object.entries(obj).map(([k, q]) => [k, (q as { string?: string }).string ?? '']));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const shaped = isEmpty(k, v) ? undefined : toJsonShapes(v, k);
    if (shaped !== undefined) out[k] = shaped;
  }
  return out;
}

export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf body without the k8s envelope');
  root ??= protobuf.parse(SCHEMA, { keepCase: true }).root;
  try {
    const envelope = root.lookupType('k8s.Unknown').decode(body.subarray(4)) as unknown as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
    const kind = envelope.typeMeta?.kind ?? '';
    const type = root.lookup(`k8s.${kind}`);
    if (!(type instanceof protobuf.Type) || !/^[A-Z]/.test(kind)) throw badRequest(`the sandbox cannot decode protobuf for kind "${kind}"; send JSON`);
    const message = type.decode(envelope.raw ?? new Uint8Array());
    const json = type.toObject(message, { longs: Number, bytes: String, defaults: false }) as Record<string, unknown>;
    return { apiVersion: envelope.typeMeta?.apiVersion, kind, ...(toJsonShapes(json) as Record<string, unknown>) };
  } catch (error) {
    if (error instanceof StatusError) throw error;
    throw badRequest(`the request body could not be decoded: ${(error as Error).message}`);
  }
}
