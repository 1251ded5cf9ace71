// Request bodies → typed values, once, at the boundary. Messages name the field.
import { ApiError } from './http.ts';
import { readLocalFacts } from '../../kubectl/local-facts.ts';
import type { ReviewBody, SubmitBody } from '../../contract/relay-api.ts';
import { contentBody } from './validate-content.ts';

const MAX_ARGS = 4096;

function bad(field: string, expected: string): never {
  throw new ApiError(400, 'ERR_INVALID_BODY', `field "${field}" must be ${expected}`);
}

function object(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'ERR_INVALID_BODY', 'request body must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, field: string, max = 4096): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) return bad(field, `a string of at most ${max} characters, or null`);
  return value;
}

export function submitBody(raw: unknown): SubmitBody {
  const body = object(raw);
  const { argv, intent } = body;
  if (!Array.isArray(argv) || argv.length > MAX_ARGS || !argv.every((arg) => typeof arg === 'string')) {
    bad('argv', `a list of at most ${MAX_ARGS} strings (the kubectl arguments)`);
  }
  if (intent !== undefined && (intent === null || typeof intent !== 'object' || Array.isArray(intent))) bad('intent', 'an object (the client\'s CommandIntent) when given');
  const submission: SubmitBody = {
    argv: argv as string[],
    context: optionalString(body, 'context'),
    cluster: optionalString(body, 'cluster'),
    kubeCluster: optionalString(body, 'kubeCluster', 253),
    namespace: optionalString(body, 'namespace', 253),
    reason: optionalString(body, 'reason'),
    agent: optionalString(body, 'agent', 256),
    runId: optionalString(body, 'runId', 256),
    content: contentBody(body.content),
  };
  if (intent !== undefined) submission.intent = intent as SubmitBody['intent'];
  if (body.local !== undefined && body.local !== null) {
    const local = readLocalFacts(body.local);
    if (typeof local === 'string') bad('local', local);
    submission.local = local;
  }
  return submission;
}

export function reviewBody(raw: unknown): ReviewBody {
  const body = object(raw);
  if (body.verdict !== 'approve' && body.verdict !== 'deny') bad('verdict', '"approve" or "deny"');
  if (typeof body.justification !== 'string' || body.justification.trim() === '' || body.justification.length > 4096) {
    bad('justification', 'a non-empty string (why you approve or deny), at most 4096 characters');
  }
  return { verdict: body.verdict, justification: body.justification.trim() };
}
