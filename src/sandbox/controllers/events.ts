// core/v1 Events, as kubelet and the controllers record them; `kubectl describe` and
// `kubectl events` read them back by involvedObject.
import { findResource } from '../resources.ts';
import type { KubeObject } from '../object.ts';
import type { Store } from '../store.ts';

const EVENTS = findResource('', 'v1', 'events')!;

export type EventRecorder = (about: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string) => void;

export function eventRecorder(store: Store, now: () => Date): EventRecorder {
  // Named like the apiserver's `<object>.<hex timestamp>`, increasing, so events list in the order
  // they happened even within one second.
  let sequence = 0;
  return (about, type, reason, message, component) => {
    const namespace = about.metadata.namespace ?? 'default';
    if (!store.get(findResource('', 'v1', 'namespaces')!, undefined, namespace)) return;
    const stamp = now().toISOString().replace(/\.\d+Z$/, 'Z');
    store.create(EVENTS, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${about.metadata.name}.${(now().getTime() * 1000 + (sequence++ % 1000)).toString(16)}`, namespace },
      involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name, namespace: about.metadata.namespace, uid: about.metadata.uid, resourceVersion: about.metadata.resourceVersion },
      reason, message, type, count: 1,
      source: { component, ...(component === 'kubelet' ? { host: 'sandbox-node' } : {}) },
      firstTimestamp: stamp, lastTimestamp: stamp,
      reportingComponent: component, reportingInstance: component === 'kubelet' ? 'sandbox-node' : '',
    });
  };
}
