// In-memory object storage with the apiserver's bookkeeping: one global resourceVersion counter,
// optimistic concurrency, and a bounded history of changes so watches can resume from a version.
import { EventEmitter } from 'node:events';
import type { KubeObject } from './object.ts';
import { clone } from './object.ts';
import type { ResourceType } from './resources.ts';
import { alreadyExists, conflict, gone, notFound } from './status.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type Change = { type: WatchEventType; resource: ResourceType; object: KubeObject; rv: number };
export type StoreDeps = { now: () => Date; uid: () => string };

const HISTORY = 20_000;

const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
const tableOf = (t: ResourceType) => `${t.group}/${t.resource}`;

export class Store {
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  private readonly history: Change[] = [];
  private readonly changes = new EventEmitter();
  private revision = 1;

  constructor(private readonly deps: StoreDeps) {
    this.changes.setMaxListeners(0);
  }

  get resourceVersion(): string {
    return String(this.revision);
  }

  private table(t: ResourceType): Map<string, KubeObject> {
    let table = this.tables.get(tableOf(t));
    if (!table) this.tables.set(tableOf(t), (table = new Map()));
    return table;
  }

  get(t: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.table(t).get(keyOf(namespace, name));
    return found && clone(found);
  }

  mustGet(t: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.get(t, namespace, name);
    if (!found) throw notFound(t, name);
    return found;
  }

  /** Clones of the stored objects, sorted by namespace then name as etcd returns them. */
  list(t: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const obj of this.table(t).values()) {
      if (namespace === undefined || obj.metadata.namespace === namespace) out.push(clone(obj));
    }
    return out.sort((a, b) => keyOf(a.metadata.namespace, a.metadata.name ?? '').localeCompare(keyOf(b.metadata.namespace, b.metadata.name ?? '')));
  }

  create(t: ResourceType, input: KubeObject): KubeObject {
    const obj = clone(input);
    const meta = obj.metadata;
    const table = this.table(t);
    if (!meta.name && meta.generateName) {
      do meta.name = meta.generateName + this.deps.uid().replace(/-/g, '').slice(0, 5);
      while (table.has(keyOf(meta.namespace, meta.name)));
    }
    const name = meta.name ?? '';
    if (table.has(keyOf(meta.namespace, name))) throw alreadyExists(t, name);
    meta.uid = this.deps.uid();
    meta.creationTimestamp = this.deps.now().toISOString().replace(/\.\d+Z$/, 'Z');
    if ('spec' in obj || t.kind === 'Deployment') meta.generation = 1;
    delete meta.deletionTimestamp;
    return this.commit(t, 'ADDED', obj);
  }

  /** Replaces an object; a resourceVersion in the input is a precondition (409 when stale). */
  update(t: ResourceType, input: KubeObject): KubeObject {
    const obj = clone(input);
    const name = obj.metadata.name ?? '';
    const current = this.table(t).get(keyOf(obj.metadata.namespace, name));
    if (!current) throw notFound(t, name);
    const expected = obj.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion) throw conflict(t, name);
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.generation !== undefined) {
      const specChanged = JSON.stringify(current.spec) !== JSON.stringify(obj.spec);
      obj.metadata.generation = current.metadata.generation + (specChanged ? 1 : 0);
    }
    return this.commit(t, 'MODIFIED', obj);
  }

  delete(t: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const table = this.table(t);
    const current = table.get(keyOf(namespace, name));
    if (!current) throw notFound(t, name);
    table.delete(keyOf(namespace, name));
    return clone(this.record(t, 'DELETED', current));
  }

  private commit(t: ResourceType, type: WatchEventType, obj: KubeObject): KubeObject {
    this.revision += 1;
    obj.metadata.resourceVersion = String(this.revision);
    this.table(t).set(keyOf(obj.metadata.namespace, obj.metadata.name ?? ''), obj);
    this.record(t, type, obj, false);
    return clone(obj);
  }

  private record(t: ResourceType, type: WatchEventType, obj: KubeObject, bump = true): KubeObject {
    if (bump) {
      this.revision += 1;
      obj.metadata.resourceVersion = String(this.revision);
    }
    const change: Change = { type, resource: t, object: clone(obj), rv: this.revision };
    this.history.push(change);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
    this.changes.emit('change', change);
    return obj;
  }

  /** Subscribes to every change; controllers use this. */
  onChange(listener: (change: Change) => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }

  /**
   * Changes after `sinceRv` (replayed from history), then live ones. Throws 410 Expired when the
   * history no longer reaches back that far, as the apiserver does once etcd has compacted.
   */
  watch(sinceRv: number, listener: (change: Change) => void): () => void {
    const oldest = this.history[0]?.rv ?? this.revision + 1;
    if (sinceRv + 1 < oldest && sinceRv < this.revision) throw gone(String(sinceRv));
    for (const change of this.history) if (change.rv > sinceRv) listener(change);
    return this.onChange(listener);
  }
}
