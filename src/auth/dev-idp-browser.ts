// Completes a device sign-in over HTTP the way a person's browser would: open the
// verification page, type the user code, confirm, sign in, consent. Cookies, redirects and
// the provider's xsrf tokens are all handled for real, so tests exercise the IdP unchanged.

type Form = { action: string; fields: Record<string, string> };
type Page = { url: string; status: number; html: string };

export type BrowseOptions = { username: string; password: string; deny?: boolean; fetch?: typeof fetch };

export async function completeDeviceSignIn(verificationUri: string, userCode: string, options: BrowseOptions): Promise<void> {
  const browser = new Browser(options.fetch ?? fetch);
  const entry = await browser.open(verificationUri);
  const codeForm = findForm(entry, 'op.deviceInputForm');
  const confirm = await browser.submit(entry, codeForm, { user_code: userCode });
  assertNoError(confirm, userCode);
  const confirmForm = findForm(confirm, 'op.deviceConfirmForm');
  if (options.deny) {
    const { confirm: _omitted, ...fields } = confirmForm.fields;
    const denied = await browser.submit(confirm, { ...confirmForm, fields }, { abort: 'yes' });
    if (!denied.html.includes('data-outcome="denied"')) throw pageError('denial was not acknowledged', denied);
    return;
  }
  let current = await browser.submit(confirm, confirmForm, {});
  // Login, then consent; a remembered session or grant may skip either.
  for (let step = 0; step < 4 && !current.html.includes('data-outcome="approved"'); step += 1) {
    if (current.html.includes('id="login"')) {
      current = await browser.submit(current, findForm(current, 'login'), { username: options.username, password: options.password });
      if (current.status === 401) throw pageError(`sign-in as ${options.username} was refused`, current);
    } else if (current.html.includes('id="consent"')) {
      current = await browser.submit(current, findForm(current, 'consent'), {});
    } else {
      throw pageError('unexpected page during device sign-in', current);
    }
  }
  if (!current.html.includes('data-outcome="approved"')) throw pageError('device sign-in did not finish', current);
}

class Browser {
  private readonly cookies = new Map<string, { value: string; path: string }>();
  constructor(private readonly fetchImpl: typeof fetch) {}

  open(url: string): Promise<Page> {
    return this.request(url, { method: 'GET' });
  }

  submit(from: Page, form: Form, values: Record<string, string>): Promise<Page> {
    const url = new URL(form.action || from.url, from.url).href;
    const body = new URLSearchParams({ ...form.fields, ...values }).toString();
    return this.request(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  private async request(url: string, init: RequestInit): Promise<Page> {
    let target = url;
    let current = init;
    for (let hops = 0; hops < 10; hops += 1) {
      const response = await this.fetchImpl(target, {
        ...current, redirect: 'manual', headers: { ...(current.headers as Record<string, string>), cookie: this.cookieHeader(target) },
      });
      this.remember(response, target);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        target = new URL(location, target).href;
        current = { method: 'GET' }; // 302/303 after a form post: browsers follow with GET
        continue;
      }
      return { url: target, status: response.status, html: await response.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private cookieHeader(url: string): string {
    const { pathname } = new URL(url);
    return [...this.cookies].filter(([, c]) => pathname.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`).join('; ');
  }

  private remember(response: Response, url: string): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const attr = Object.fromEntries(attributes.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=').slice(1).join('=')]));
      const expired = attr['max-age'] === '0' || (attr.expires !== undefined && Date.parse(attr.expires) < Date.now());
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value: pair.slice(eq + 1), path: attr.path || new URL(url).pathname });
    }
  }
}

function findForm(page: Page, id: string): Form {
  const match = new RegExp(`<form\\b([^>]*\\bid="${id.replace(/\./g, '\\.')}"[^>]*)>([\\s\\S]*?)</form>`).exec(page.html);
  if (!match) throw pageError(`form ${id} not found`, page);
  const fields: Record<string, string> = {};
  for (const [input] of match[2]!.matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(input, 'name');
    if (name) fields[name] = attribute(input, 'value') ?? '';
  }
  return { action: attribute(`<x ${match[1]}>`, 'action') ?? '', fields };
}

function attribute(tag: string, name: string): string | undefined {
  const found = new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  return found?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function assertNoError(page: Page, userCode: string): void {
  if (page.html.includes('data-outcome="error"')) throw pageError(`the IdP refused user code ${userCode}`, page);
}

function pageError(message: string, page: Page): Error {
  const text = page.html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return new Error(`${message} (${page.status} at ${page.url}: ${text.slice(0, 200)})`);
}
