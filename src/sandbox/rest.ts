// The REST verbs on resources and their plain subresources (status, scale, log). Upgrades
// (exec, portforward) are routed in server.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from './object.ts';
import type { Cluster, DeleteOptions } from './operations.ts';
import { createObject, deleteObject, patchObject, updateObject } from './operations.ts';
import { applyPatch, patchTypeOf } from './patch.ts';
import type { ResourceType } from './resources.ts';
import { groupVersion } from './resources.ts';
import type { ResourceRoute } from './routes.ts';
import { parseFieldSelector, parseLabelSelector, selectorText } from './selectors.ts';
import { StatusError, badRequest, methodNotAllowed, status } from './status.ts';
import type { UserInfo } from './auth/user.ts';
import type { ReviewDeps } from './reviews.ts';
import { review } from './reviews.ts';
import { escalationGuard } from './rbac/escalation.ts';
import type { IncludeObject } from './tables.ts';
import { toTable } from './tables.ts';
import { readBody, sendJson, wantsTable } from './http.ts';
import { serveWatch } from './watch.ts';

export type LogSource = {
  serve(req: IncomingMessage, res: ServerResponse, pod: KubeObject, query: URLSearchParams): void;
};

const withKind = (t: ResourceType, obj: KubeObject): KubeObject => ({ apiVersion: groupVersion(t), kind: t.kind, ...obj });

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function list(cluster: Cluster, req: IncomingMessage, res: ServerResponse, route: ResourceRoute, query: URLSearchParams): void {
  const { type: t, namespace } = route;
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  const matches = (o: KubeObject) => labels(o) && fields(o);
  const table = wantsTable(req.headers.accept);
  if (route.verb === 'watch') {
    serveWatch(cluster.store, cluster.now, req, res, {
      type: t, namespace, matches,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      timeoutSeconds: query.has('timeoutSeconds') ? Number(query.get('timeoutSeconds')) : undefined,
      ...(table ? { table: { include: includeObjectOf(query) } } : {}),
    });
    return;
  }
  const all = cluster.store.list(t, namespace).filter(matches);
  // Continue tokens are offsets into the sorted list: good enough for a store that has no compaction.
  const start = query.get('continue') ? Number(Buffer.from(query.get('continue')!, 'base64url').toString()) || 0 : 0;
  const limit = Number(query.get('limit')) > 0 ? Number(query.get('limit')) : Infinity;
  const page = all.slice(start, start + limit);
  const next = start + page.length < all.length ? Buffer.from(String(start + page.length)).toString('base64url') : undefined;
  const resourceVersion = cluster.store.resourceVersion;
  if (table) {
    sendJson(res, 200, toTable(t, page, { now: cluster.now(), include: includeObjectOf(query), resourceVersion, continueToken: next }));
    return;
  }
  sendJson(res, 200, {
    kind: `${t.kind}List`,
    apiVersion: groupVersion(t),
    metadata: { resourceVersion, ...(next ? { continue: next, remainingItemCount: all.length - start - page.length } : {}) },
    items: page.map((o) => withKind(t, o)),
  });
}

function toScale(obj: KubeObject): KubeObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 1 },
    status: { replicas: obj.status?.replicas ?? 0, selector: selectorText(obj.spec?.selector) },
  };
}

async function scale(cluster: Cluster, req: IncomingMessage, res: ServerResponse, route: ResourceRoute, name: string, dryRun: boolean): Promise<void> {
  const { type: t, namespace } = route;
  const current = cluster.store.mustGet(t, namespace, name);
  if (req.method === 'GET') return sendJson(res, 200, toScale(current));
  const body = await readBody(req);
  let replicas: unknown;
  let rv: string | undefined;
  if (req.method === 'PUT') {
    const s = body as KubeObject;
    replicas = s?.spec?.replicas;
    rv = s?.metadata?.resourceVersion;
  } else if (req.method === 'PATCH') {
    const patched = applyPatch(patchTypeOf(req.headers['content-type']), toScale(current), body);
    replicas = patched.spec?.replicas;
    rv = patched.metadata.resourceVersion === current.metadata.resourceVersion ? undefined : patched.metadata.resourceVersion;
  } else throw methodNotAllowed(req.method ?? '');
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) throw badRequest('spec.replicas must be a non-negative integer');
  const updated = updateObject(cluster, t, namespace, name, { ...current, spec: { ...current.spec, replicas }, metadata: { ...current.metadata, resourceVersion: rv ?? current.metadata.resourceVersion } }, { dryRun });
  sendJson(res, 200, toScale(updated));
}

function deleteResponse(t: ResourceType, obj: KubeObject): unknown {
  // Objects deleted at once come back as a Status; those that linger (graceful pods,
  // terminating namespaces) come back as the object, as the apiserver answers.
  if (t.kind === 'Namespace' || t.kind === 'Pod') return withKind(t, obj);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: obj.metadata.name, group: t.group, kind: t.resource, uid: obj.metadata.uid } };
}

/**
 * `dryRun` as the apiserver validates it (ValidateDryRun): absent means a real write, ["All"]
 * means none; any other value is refused rather than guessed at, so a misspelt dry run never writes.
 */
export function dryRunOf(values: unknown, optionsKind: string): boolean {
  if (values === undefined || values === null) return false;
  const list = Array.isArray(values) ? values : [values];
  if (list.every((v) => v === 'All')) return list.length > 0;
  const shown = `[]string{${list.map((v) => JSON.stringify(String(v))).join(', ')}}`;
  const detail = `Unsupported value: ${shown}: supported values: "All"`;
  throw new StatusError(status(422, 'Invalid', `${optionsKind}.meta.k8s.io "" is invalid: dryRun: ${detail}`, {
    group: 'meta.k8s.io', kind: optionsKind, causes: [{ reason: 'FieldValueNotSupported', message: detail, field: 'dryRun' }],
  }));
}

const queryDryRun = (query: URLSearchParams, optionsKind: string) => dryRunOf(query.has('dryRun') ? query.getAll('dryRun') : undefined, optionsKind);

/** DeleteOptions from the body when there is one, else from the query, as the apiserver reads them. */
async function deleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<DeleteOptions> {
  let body: Record<string, unknown> | undefined;
  if (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0' || req.headers['transfer-encoding']) {
    try {
      const parsed = await readBody(req);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = undefined;
    }
  }
  if (!body) return { dryRun: queryDryRun(query, 'DeleteOptions'), propagationPolicy: query.get('propagationPolicy') ?? undefined };
  return {
    dryRun: dryRunOf(body.dryRun, 'DeleteOptions'),
    propagationPolicy: typeof body.propagationPolicy === 'string' ? body.propagationPolicy : undefined,
    preconditions: typeof body.preconditions === 'object' && body.preconditions !== null ? body.preconditions as DeleteOptions['preconditions'] : undefined,
  };
}

/** Who asks, and the RBAC state their reviews and escalation checks are decided on. */
export type Requester = { user: UserInfo; rbac: ReviewDeps };

/** Serves a resource request; `route.verb` is the verb that was authorised, and the one served. */
export async function handleResource(cluster: Cluster, logs: LogSource, req: IncomingMessage, res: ServerResponse, route: ResourceRoute, query: URLSearchParams, requester: Requester): Promise<void> {
  const { type: t, namespace, name, sub, verb } = route;
  const method = req.method ?? 'GET';
  if (t.review) {
    if (verb !== 'create' || name !== undefined) throw methodNotAllowed(method);
    return sendJson(res, 201, review(t, await readBody(req), requester.user, requester.rbac));
  }
  if (t.namespaced && namespace === undefined && name !== undefined) throw badRequest('a namespace is required to address a namespaced object');
  const guard = escalationGuard(requester.rbac, requester.user, name ?? '');

  if (name === undefined) {
    // A namespaced kind's all-namespaces path only lists and watches, as the apiserver installs it;
    // a create there would land in whatever namespace the body names.
    if (t.namespaced && namespace === undefined && verb !== 'list' && verb !== 'watch') throw methodNotAllowed(method);
    switch (verb) {
      case 'list': case 'watch':
        return list(cluster, req, res, route, query);
      case 'create': {
        const dryRun = queryDryRun(query, 'CreateOptions');
        const created = createObject(cluster, t, namespace, await readBody(req), { dryRun, guard });
        return sendJson(res, 201, withKind(t, created));
      }
      case 'deletecollection': {
        const opts = await deleteOptions(req, query);
        const labels = parseLabelSelector(query.get('labelSelector'));
        const fields = parseFieldSelector(query.get('fieldSelector'));
        const gone = cluster.store.list(t, namespace).filter((o) => labels(o) && fields(o))
          .map((o) => deleteObject(cluster, t, o.metadata.namespace, o.metadata.name ?? '', opts));
        return sendJson(res, 200, { kind: `${t.kind}List`, apiVersion: groupVersion(t), metadata: { resourceVersion: cluster.store.resourceVersion }, items: gone.map((o) => withKind(t, o)) });
      }
      default:
        throw methodNotAllowed(method);
    }
  }

  if (sub === 'scale') return scale(cluster, req, res, route, name, verb === 'update' ? queryDryRun(query, 'UpdateOptions') : verb === 'patch' ? queryDryRun(query, 'PatchOptions') : false);
  if (sub === 'log') {
    if (verb !== 'get') throw methodNotAllowed(method);
    return logs.serve(req, res, cluster.store.mustGet(t, namespace, name), query);
  }
  if (sub === 'exec' || sub === 'portforward' || sub === 'attach') throw badRequest('Upgrade request required');
  const statusOnly = sub === 'status';

  switch (verb) {
    case 'get': {
      const obj = cluster.store.mustGet(t, namespace, name);
      if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(t, [obj], { now: cluster.now(), include: includeObjectOf(query), resourceVersion: obj.metadata.resourceVersion ?? '' }));
      return sendJson(res, 200, withKind(t, obj));
    }
    case 'update':
      return sendJson(res, 200, withKind(t, updateObject(cluster, t, namespace, name, await readBody(req), { dryRun: queryDryRun(query, 'UpdateOptions'), statusOnly, guard })));
    case 'patch': {
      const type = patchTypeOf(req.headers['content-type']);
      return sendJson(res, 200, withKind(t, patchObject(cluster, t, namespace, name, type, await readBody(req), { dryRun: queryDryRun(query, 'PatchOptions'), statusOnly, guard })));
    }
    case 'delete': {
      const opts = await deleteOptions(req, query);
      return sendJson(res, 200, deleteResponse(t, deleteObject(cluster, t, namespace, name, opts)));
    }
    default:
      throw methodNotAllowed(method);
  }
}
