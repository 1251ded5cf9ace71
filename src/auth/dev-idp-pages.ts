// HTML for the dev IdP's own pages: the device code entry and confirmation pages that
// oidc-provider asks for, and our login/consent interaction. Plain forms, no scripts, no
// remote fonts, so a headless browser and dev-idp-browser.ts can both drive them.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)} · hkubectl dev IdP</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto}input,button{display:block;width:100%;margin:.5rem 0;padding:.5rem}.error{color:#b00020}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

/** `form` is oidc-provider's own <form> with its xsrf token; we only add text and a button. */
export function userCodeInputPage(form: string, errorName?: string): string {
  const message = errorName === 'AbortedError'
    ? '<p class="error" data-outcome="denied">The sign-in request was denied.</p>'
    : errorName
      ? `<p class="error" data-outcome="error" data-error="${escapeHtml(errorName)}">That code is not valid (unknown, expired or already used).</p>`
      : '<p>Enter the code shown by hkubectl.</p>';
  return page('Device sign-in', `${message}\n${form}\n<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

export function userCodeConfirmPage(form: string, clientName: string, userCode: string): string {
  return page('Confirm device', `<p><strong>${escapeHtml(clientName)}</strong> shows the code <code>${escapeHtml(userCode)}</code>.</p>
<p>If you did not start this sign-in, or the code differs, deny it.</p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Deny</button>`);
}

export function successPage(): string {
  return page('Signed in', '<p data-outcome="approved">The device is signed in. You can close this page.</p>');
}

export function loginPage(uid: string, error?: string): string {
  return page('Sign in', `${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<form id="login" method="post" action="/interaction/${escapeHtml(uid)}/login">
<input type="text" name="username" placeholder="username" autocomplete="username" required>
<input type="password" name="password" placeholder="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`);
}

export function consentPage(uid: string, clientName: string, scopes: string[]): string {
  const items = scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  return page('Authorize', `<p><strong>${escapeHtml(clientName)}</strong> asks for:</p><ul>${items}</ul>
<form id="consent" method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>
<form id="abort" method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Deny</button></form>`);
}
