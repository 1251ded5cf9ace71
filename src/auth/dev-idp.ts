// A development OpenID provider (oidc-provider) on 127.0.0.1 with the device flow, refresh
// tokens and revocation, preset users and a public client for hkubectl. Used by tests and by
// `hkubectl demo`; oidc-provider is imported lazily so the wrapper's hot path never loads it.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { completeDeviceSignIn } from './dev-idp-browser.ts';
import { createInteractionHandler } from './dev-idp-interactions.ts';
import type { DevUser } from './dev-idp-interactions.ts';
import { successPage, userCodeConfirmPage, userCodeInputPage } from './dev-idp-pages.ts';
import { createPollPacer } from './dev-idp-pacing.ts';
import type { DevIdpStats } from './dev-idp-pacing.ts';

export type { DevUser };

export const DEV_PASSWORD = 'hkubectl-demo';
export const DEV_CLIENT_ID = 'hkubectl';

export const presetUsers: DevUser[] = [
  { username: 'agent-7', password: DEV_PASSWORD, email: 'agent-7@agents.bank.example', name: 'Agent 7', groups: ['agents'] },
  { username: 'alice', password: DEV_PASSWORD, email: 'alice@bank.example', name: 'Alice', groups: ['approvers'] },
  { username: 'bob', password: DEV_PASSWORD, email: 'bob@bank.example', name: 'Bob', groups: ['approvers'] },
];

export type DevIdpOptions = {
  port?: number;
  users?: DevUser[];
  clients?: ClientMetadata[];
  /** Seconds between polls the IdP asks for (RFC 8628 `interval`); fractions allowed for tests. */
  pollInterval?: number;
  /** Answer the first N pending polls with slow_down, as a loaded IdP would. */
  slowDown?: number;
  /** Lifetimes in seconds. */
  ttl?: { idToken?: number; accessToken?: number; refreshToken?: number; deviceCode?: number };
};

export type DevIdp = {
  issuer: string;
  clientId: string;
  stats: DevIdpStats;
  approveDeviceCode(userCode: string, username: string, opts?: { password?: string }): Promise<void>;
  denyDeviceCode(userCode: string): Promise<void>;
  stop(): Promise<void>;
};

export async function startDevIdp(options: DevIdpOptions = {}): Promise<DevIdp> {
  const [{ default: Provider }, { createMemoryAdapter }] = await Promise.all([
    importQuietly(() => import('oidc-provider')),
    // @ts-expect-error untyped internal module; passing it as a factory skips the dev-only warning
    import('oidc-provider/lib/adapters/memory_adapter.js') as Promise<{ createMemoryAdapter: () => unknown }>,
  ]);
  const users = new Map((options.users ?? presetUsers).map((u) => [u.username, u]));
  const ttl = options.ttl ?? {};
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };

  const configuration: Configuration = {
    adapter: createMemoryAdapter() as Configuration['adapter'],
    clients: options.clients ?? [{
      client_id: DEV_CLIENT_ID,
      client_name: 'hkubectl',
      token_endpoint_auth_method: 'none',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'], groups: ['groups'] },
    // Put email and groups in the ID token itself: it is the bearer the relay verifies.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      return user && {
        accountId: sub,
        claims: () => ({ sub, email: user.email, email_verified: true, name: user.name, preferred_username: sub, groups: user.groups }),
      };
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx, form, _out, err) => { ctx.body = userCodeInputPage(form, err?.name); },
        userCodeConfirmSource: (ctx, form, client, _info, userCode) => { ctx.body = userCodeConfirmPage(form, client.clientName ?? client.clientId, userCode); },
        successSource: (ctx) => { ctx.body = successPage(); },
      },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        // Any requested audience gets a JWT access token, so `--audience` can be exercised.
        getResourceServerInfo: (_ctx, indicator) => ({
          audience: indicator, scope: 'hkubectl', accessTokenFormat: 'jwt', accessTokenTTL: ttl.accessToken ?? 600,
        }),
      },
    },
    extraTokenClaims: async (_ctx, token) => {
      const user = users.get(String((token as { accountId?: string }).accountId));
      return user && { email: user.email, groups: user.groups };
    },
    ttl: {
      AccessToken: ttl.accessToken ?? 600,
      IdToken: ttl.idToken ?? 600,
      RefreshToken: ttl.refreshToken ?? 14 * 86_400,
      DeviceCode: ttl.deviceCode ?? 600,
      Grant: 14 * 86_400,
      Interaction: 600,
      Session: 3_600,
    },
    renderError: (ctx, out) => { ctx.type = 'json'; ctx.body = out; },
  };
  const provider = new Provider(issuer, configuration);
  const pacer = createPollPacer({ interval: options.pollInterval ?? 5, slowDown: options.slowDown ?? 0 });
  provider.use((ctx, next) => pacer.middleware(ctx as KoaContextWithOIDC, next));
  const oidc = provider.callback();
  const interactions = createInteractionHandler(provider, users);
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interactions(req, res).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${error.message}`);
      });
    } else {
      void oidc(req, res);
    }
  });

  const browse = (userCode: string, username: string, password: string, deny: boolean) =>
    completeDeviceSignIn(`${issuer}/device`, userCode, { username, password, deny });
  return {
    issuer,
    clientId: DEV_CLIENT_ID,
    stats: pacer.stats,
    approveDeviceCode: (userCode, username, opts = {}) =>
      browse(userCode, username, opts.password ?? users.get(username)?.password ?? '', false),
    denyDeviceCode: (userCode) => browse(userCode, '', '', true),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// oidc-provider 9 warns on import under Node 20 ("use Node 22"); it runs fine here, and the
// warning would end up on the terminal of every `hkubectl demo` user.
async function importQuietly<T>(load: () => Promise<T>): Promise<T> {
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('Unsupported runtime')) original(...args);
  };
  try {
    return await load();
  } finally {
    console.warn = original;
  }
}
