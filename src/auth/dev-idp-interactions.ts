// The dev IdP's login and consent steps (oidc-provider "interactions"). oidc-provider's own
// devInteractions accept any login without a password and warn on every start; these check the
// preset users' passwords and grant what was asked, like a small real IdP would.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { consentPage, loginPage } from './dev-idp-pages.ts';

export type DevUser = {
  username: string;
  password: string;
  email: string;
  name: string;
  groups: string[];
};

const MAX_FORM_BYTES = 16 * 1024;

export function createInteractionHandler(provider: Provider, users: Map<string, DevUser>) {
  return async function handleInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, , uid = '', action = ''] = (req.url ?? '').split('?')[0]!.split('/');
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, 'interaction mismatch');
    const client = await provider.Client.find(String(details.params.client_id));
    const clientName = client?.clientName ?? String(details.params.client_id);

    if (req.method === 'GET' && action === '') {
      if (details.prompt.name === 'login') return send(res, 200, loginPage(uid));
      const scopes = String(details.params.scope ?? '').split(' ').filter(Boolean);
      return send(res, 200, consentPage(uid, clientName, scopes));
    }
    if (req.method !== 'POST') return send(res, 405, 'method not allowed');
    const form = new URLSearchParams(await readBody(req));

    if (action === 'login' && details.prompt.name === 'login') {
      const user = users.get(form.get('username') ?? '');
      if (!user || user.password !== form.get('password')) {
        return send(res, 401, loginPage(uid, 'Unknown user or wrong password.'));
      }
      return provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
    }
    if (action === 'confirm' && details.prompt.name === 'consent') {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params.client_id) });
      if (!grant) return send(res, 400, 'grant not found');
      const missing = details.prompt.details as {
        missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    if (action === 'abort') {
      return provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'End-User denied the request',
      }, { mergeWithLastSubmission: false });
    }
    return send(res, 400, 'unexpected interaction step');
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_FORM_BYTES) throw new Error('form too large');
  }
  return body;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}
