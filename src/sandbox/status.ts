// metav1.Status bodies: the apiserver answers every failure with one, and kubectl prints
// `Error from server (<reason>): <message>` from it.
import type { ResourceType } from './resources.ts';
import { qualifiedName } from './resources.ts';

export type Status = {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
  code: number;
};

/** A failure to answer with; thrown inside handlers, turned into a response at the edge. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

export function status(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

const fail = (code: number, reason: string, message: string, details?: Status['details']) =>
  new StatusError(status(code, reason, message, details));

const who = (t: ResourceType, name: string) => ({ name, group: t.group, kind: t.resource });

export const notFound = (t: ResourceType, name: string) =>
  fail(404, 'NotFound', `${qualifiedName(t)} "${name}" not found`, who(t, name));

export const alreadyExists = (t: ResourceType, name: string) =>
  fail(409, 'AlreadyExists', `${qualifiedName(t)} "${name}" already exists`, who(t, name));

export const conflict = (t: ResourceType, name: string) =>
  fail(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, who(t, name));

export const invalid = (t: ResourceType, name: string, field: string, detail: string) =>
  fail(422, 'Invalid', `${t.kind} "${name}" is invalid: ${field}: ${detail}`, {
    ...who(t, name),
    kind: t.kind,
    causes: [{ reason: 'FieldValueInvalid', message: detail, field }],
  });

export const badRequest = (message: string) => fail(400, 'BadRequest', message);
export const notFoundPath = () => fail(404, 'NotFound', 'the server could not find the requested resource');
export const methodNotAllowed = (method: string) => fail(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
export const unsupportedMediaType = (type: string) => fail(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${type})`);
export const tooLarge = () => fail(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
export const gone = (rv: string) => fail(410, 'Expired', `too old resource version: ${rv}`);
export const unauthorized = () => status(401, 'Unauthorized', 'Unauthorized');
export const internal = (message: string) => fail(500, 'InternalError', `Internal error occurred: ${message}`);
