// The shape of a stored Kubernetes object. Objects stay plain JSON: the sandbox only looks at
// the few fields its controllers and printers need.

export type ObjectMeta = {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
};

export type OwnerReference = { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON bodies
export type KubeObject = { apiVersion?: string; kind?: string; metadata: ObjectMeta; [key: string]: any };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
