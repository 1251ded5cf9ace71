// openid-client failures → hkubectl errors with the exit code an agent can act on:
// 75 try again later (IdP down, code expired), 77 a person said no, 78 fix the setup.
import { ClientError, ResponseBodyError } from 'openid-client';
import { ConfigError, DeniedError, HkError, TemporaryError } from '../errors.ts';

export type IdpStep = 'discovery' | 'device authorization' | 'device login' | 'refresh' | 'revocation';

export function idpError(error: unknown, issuer: string, step: IdpStep): HkError {
  if (error instanceof HkError) return error;
  if (error instanceof ResponseBodyError) return fromOAuthError(error, issuer, step);
  const code = (error as { code?: string }).code;
  if (isNetworkFailure(error)) {
    return new TemporaryError('ERR_IDP_UNREACHABLE', `cannot reach the identity provider at ${issuer} (${networkReason(error)})`, {
      cause: error, hint: 'check the network and the issuer URL, then try again',
    });
  }
  if (error instanceof ClientError && step === 'discovery') {
    const status = (error.cause as { status?: number } | undefined)?.status;
    if (status !== undefined && status >= 500) {
      return new TemporaryError('ERR_IDP_UNAVAILABLE', `the identity provider at ${issuer} answered HTTP ${status}`, { cause: error });
    }
    return new ConfigError('ERR_ISSUER_INVALID', `${issuer} is not a usable OpenID Connect issuer: ${error.message}${status ? ` (HTTP ${status})` : ''}`, {
      cause: error, hint: 'check --issuer / HKUBECTL_ISSUER: it must be the exact issuer URL, as in the IdP\'s discovery document',
    });
  }
  return new TemporaryError('ERR_IDP_ERROR', `${step} at ${issuer} failed: ${(error as Error).message}${code ? ` (${code})` : ''}`, { cause: error });
}

function fromOAuthError(error: ResponseBodyError, issuer: string, step: IdpStep): HkError {
  const said = error.error_description ? `${error.error}: ${error.error_description}` : error.error;
  switch (error.error) {
    case 'access_denied':
      return new DeniedError('ERR_LOGIN_DENIED', 'the sign-in request was denied at the identity provider', { cause: error });
    case 'expired_token':
      return deviceCodeExpired(error);
    case 'invalid_grant':
      return new ConfigError('ERR_LOGIN_EXPIRED', 'the hkubectl login has expired or was revoked', {
        cause: error, hint: 'run `hkubectl login`',
      });
    case 'invalid_client':
    case 'unauthorized_client':
      return new ConfigError('ERR_CLIENT_REJECTED', `the identity provider at ${issuer} rejected the client (${said})`, {
        cause: error, hint: 'check --client-id / --client-secret and that the client allows the device code grant',
      });
    default:
      return new ConfigError('ERR_IDP_REFUSED', `${step} at ${issuer} was refused (${said})`, { cause: error });
  }
}

function isNetworkFailure(error: unknown): boolean {
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  const name = (error as { cause?: { name?: string } }).cause?.name;
  const code = (error as { code?: string }).code;
  return code === 'OAUTH_TIMEOUT' || name === 'TimeoutError';
}

function networkReason(error: unknown): string {
  let reason = (error as Error).message;
  let cause = (error as { cause?: unknown }).cause;
  while (cause && typeof cause === 'object') {
    const { code, message } = cause as { code?: string; message?: string };
    if (code) return code;
    if (message) reason = message; // e.g. fetch's "bad port" for ports browsers refuse
    cause = (cause as { cause?: unknown }).cause;
  }
  return reason;
}

export function deviceCodeExpired(cause: unknown): TemporaryError {
  return new TemporaryError('ERR_DEVICE_CODE_EXPIRED', 'the sign-in code expired before anyone confirmed it', {
    cause, hint: 'run `hkubectl login` again and confirm the new code sooner',
  });
}
