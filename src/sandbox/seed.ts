// Objects loaded at start (`--seed FILE`, the demo seed): YAML multi-document files or objects,
// `kind: List` unwrapped, namespaces first so that the rest has somewhere to go.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../errors.ts';
import type { KubeObject } from './object.ts';
import { isPlainObject } from './object.ts';
import type { Cluster } from './operations.ts';
import { createObject } from './operations.ts';
import { findKind } from './resources.ts';
import { StatusError } from './status.ts';

export function parseSeedYaml(text: string, source = 'seed'): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ConfigError('SANDBOX_SEED_INVALID', `${source}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isPlainObject(value)) throw new ConfigError('SANDBOX_SEED_INVALID', `${source}: every document must be a Kubernetes object`);
    if (value.kind === 'List' && Array.isArray(value.items)) objects.push(...(value.items as KubeObject[]));
    else objects.push(value as KubeObject);
  }
  return objects;
}

export function readSeedFile(path: string): KubeObject[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('SANDBOX_SEED_UNREADABLE', `cannot read seed file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseSeedYaml(text, path);
}

export function loadSeed(cluster: Cluster, objects: unknown[]): void {
  const ordered = [...objects].sort((a, b) => Number(isPlainObject(b) && b.kind === 'Namespace') - Number(isPlainObject(a) && a.kind === 'Namespace'));
  for (const raw of ordered) {
    if (!isPlainObject(raw)) throw new ConfigError('SANDBOX_SEED_INVALID', 'seed entries must be Kubernetes objects');
    const obj = raw as KubeObject;
    const type = findKind(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
    if (!type || type.review) throw new ConfigError('SANDBOX_SEED_INVALID', `seed: the sandbox does not serve ${String(obj.apiVersion)} ${String(obj.kind)}`);
    try {
      createObject(cluster, type, type.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined, structuredClone(obj));
    } catch (error) {
      if (error instanceof StatusError && error.status.reason === 'AlreadyExists' && type.kind === 'Namespace') continue;
      const message = error instanceof StatusError ? error.status.message : (error as Error).message;
      throw new ConfigError('SANDBOX_SEED_INVALID', `seed: ${obj.kind} ${obj.metadata?.name ?? ''}: ${message}`, { cause: error });
    }
  }
}
