// How relay answers become hkubectl errors. Callers branch on `code` (the relay's own code, e.g.
// ERR_SELF_REVIEW) or on the class; the exit code follows what the user can do about it.
import { ConfigError, DeniedError, ExitCode, HkError, TemporaryError, UsageError } from '../../errors.ts';
import type { ApiErrorBody } from '../../contract/relay-api.ts';

/** The relay could not be reached or did not answer: fail closed, try again later (exit 75). */
export class RelayUnreachableError extends TemporaryError {
  constructor(readonly relayUrl: string, cause: unknown, urlSource?: string) {
    super('ERR_RELAY_UNREACHABLE', `cannot reach the policy relay at ${relayUrl}: ${describe(cause, relayUrl)}`, {
      cause, hint: `nothing was run; check ${urlSource ?? 'the relay URL (--relay, HKUBECTL_RELAY or "relay" in config.yaml)'} and that the relay is up, then retry`,
    });
  }
}

/** 401: the relay does not accept our token (exit 78: log in again). */
export class RelayAuthError extends ConfigError {
  constructor(readonly relayUrl: string, readonly status: number, code: string, message: string, readonly reason: string | undefined) {
    super(code, `the relay at ${relayUrl} refused the login token: ${message}`, { hint: 'run `hkubectl login` and retry', details: { reason } });
  }
}

/** 403: authenticated, but not allowed to do this (exit 77). */
export class RelayForbiddenError extends DeniedError {
  constructor(readonly relayUrl: string, readonly status: number, code: string, message: string) {
    super(code, message);
  }
}

/** Any other refusal, with the relay's status and code (409 already reviewed, 410 expired, 404…). */
export class RelayError extends HkError {
  constructor(readonly relayUrl: string, readonly status: number, code: string, message: string, readonly body: unknown = null) {
    super(code, message, exitCodeFor(status));
  }
}

function exitCodeFor(status: number): number {
  if (status === 409 || status === 410) return ExitCode.denied;
  // A daily quota (429) or a body that arrived too slowly (408): worth trying again later.
  if (status === 429 || status === 408) return ExitCode.temporary;
  if (status >= 500) return ExitCode.temporary;
  if (status >= 400) return ExitCode.usage;
  return ExitCode.software;
}

export function errorFromAnswer(relayUrl: string, status: number, body: unknown): HkError {
  const error = (body as Partial<ApiErrorBody> | null)?.error;
  const code = typeof error?.code === 'string' ? error.code : `ERR_RELAY_HTTP_${status}`;
  const message = typeof error?.message === 'string' ? error.message : `the relay at ${relayUrl} answered HTTP ${status}`;
  if (status === 401) return new RelayAuthError(relayUrl, status, code, message, error?.reason);
  if (status === 403) return new RelayForbiddenError(relayUrl, status, code, message);
  if (status === 400 || status === 413 || status === 415) return new UsageError(code, message);
  // A relay answers its own 404s with a body naming what was not found; a bare 404 means the
  // path or the server is not what the URL promised.
  if (status === 404 && typeof error?.code !== 'string') {
    return new RelayError(relayUrl, status, 'ERR_NOT_A_RELAY', `${relayUrl} answered 404 Not Found: the URL has a wrong path, or the server there is not an hkubectl relay`, body);
  }
  return new RelayError(relayUrl, status, code, message, body);
}

/** TLS verification failures Node reports by code: the certificate, not the network, is the problem. */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_REVOKED',
]);

/** One line a person can act on, for the ways a connection to the relay fails. */
function describe(cause: unknown, relayUrl: string): string {
  const error = cause as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = error.code ?? error.cause?.code;
  const https = relayUrl.startsWith('https:');
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its host name does not resolve';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'it did not answer in time';
  if (https && (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(error.message ?? ''))) {
    return 'the relay speaks http, not https (use an http:// URL, or give the relay a TLS certificate)';
  }
  if (!https && (code === 'ECONNRESET' || code === 'HPE_INVALID_CONSTANT' || code === 'HPE_INVALID_METHOD' || /socket hang up|parse error/i.test(error.message ?? ''))) {
    return 'the connection was dropped before an answer (if the relay speaks https, use an https:// URL)';
  }
  if (code !== undefined && UNTRUSTED_CERTIFICATE.has(code)) {
    return `its TLS certificate is not trusted (${code}: ${error.message ?? ''}); give hkubectl the relay's CA with NODE_EXTRA_CA_CERTS`.replace(': )', ')');
  }
  return error.message ?? String(cause);
}
