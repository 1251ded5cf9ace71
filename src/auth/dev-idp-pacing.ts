// RFC 8628 §3.5 polling discipline for the dev IdP: advertise an `interval`, answer
// `slow_down` when asked to (or when a client polls too fast), and count what clients did so
// tests can check that hkubectl backs off and refreshes exactly once.
import type { KoaContextWithOIDC } from 'oidc-provider';

export type DevIdpStats = {
  /** Token endpoint requests by grant type (short names: device_code, refresh_token). */
  tokenRequests: Record<string, number>;
  slowDowns: number;
  /** Polls that came sooner than the interval the IdP had asked for. */
  tooFastPolls: number;
  revocations: number;
};

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
// Network and timer jitter between the client's wait and our clock.
const TOLERANCE_MS = 100;

export function createPollPacer(options: { interval: number; slowDown: number }) {
  const stats: DevIdpStats = { tokenRequests: {}, slowDowns: 0, tooFastPolls: 0, revocations: 0 };
  const polls = new Map<string, { last: number; interval: number }>();
  let slowDownsLeft = options.slowDown;

  async function middleware(ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> {
    await next();
    const route = ctx.oidc?.route;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (route === 'device_authorization' && ctx.status === 200 && body) {
      ctx.body = { ...body, interval: options.interval };
      polls.set(String(body.device_code), { last: Date.now(), interval: options.interval });
      return;
    }
    if (route === 'revocation') stats.revocations += 1;
    if (route !== 'token') return;
    const grantType = String(ctx.oidc.params?.grant_type ?? '');
    const short = grantType === DEVICE_GRANT ? 'device_code' : grantType;
    stats.tokenRequests[short] = (stats.tokenRequests[short] ?? 0) + 1;
    if (grantType !== DEVICE_GRANT) return;
    const pacing = polls.get(String(ctx.oidc.params?.device_code));
    if (!pacing) return;
    const now = Date.now();
    const tooFast = now - pacing.last < pacing.interval * 1000 - TOLERANCE_MS;
    if (tooFast) stats.tooFastPolls += 1;
    pacing.last = now;
    if (body?.error === 'authorization_pending' && (tooFast || slowDownsLeft > 0)) {
      if (!tooFast) slowDownsLeft -= 1;
      pacing.interval += 5; // the client must add 5 s from now on (RFC 8628 §3.5)
      stats.slowDowns += 1;
      ctx.body = { error: 'slow_down', error_description: 'polling too quickly, add 5 seconds to the interval' };
    }
  }

  return { stats, middleware };
}
