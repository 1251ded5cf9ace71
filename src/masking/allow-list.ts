// Values a policy says may pass: a literal (`example-password`) or a regex written `/…/flags`
// that must match the whole value, and email addresses in the organisation's own domains (a
// domain allows its subdomains too: `bank.example` allows `ops@eu.bank.example`). Values are
// compared as the bytes kubectl printed.
import { UsageError } from '../errors.ts';

export type AllowList = (value: string) => boolean;

const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function compileAllowList(entries: readonly string[] = [], domains: readonly string[] = []): AllowList {
  const literals = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    const m = /^\/(.+)\/([imsu]*)$/.exec(entry);
    if (!m) {
      literals.add(Buffer.from(entry, 'utf8').toString('latin1'));
      continue;
    }
    try {
      patterns.push(new RegExp(`^(?:${m[1]})$`, m[2]));
    } catch (error) {
      throw new UsageError('MASK_RULE_INVALID', `allow-list entry ${entry} is not a valid regular expression`, { cause: error });
    }
  }
  const ownDomains = new Set<string>();
  for (const domain of domains) {
    const d = String(domain).toLowerCase().replace(/^@/, '');
    if (!DOMAIN.test(d)) throw new UsageError('MASK_RULE_INVALID', `allowDomains entry "${domain}" is not a domain name (like bank.example)`);
    ownDomains.add(d);
  }
  if (literals.size === 0 && patterns.length === 0 && ownDomains.size === 0) return () => false;
  return (value) => literals.has(value) || patterns.some((p) => p.test(value)) || inOwnDomain(value, ownDomains);
}

function inOwnDomain(value: string, domains: ReadonlySet<string>): boolean {
  if (domains.size === 0) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  // An email address is the whole value: a password holding an `@` is not an address.
  if (value.indexOf('@') !== at || /[\s:/]/.test(value)) return false;
  let domain = value.slice(at + 1).toLowerCase();
  for (;;) {
    if (domains.has(domain)) return true;
    const dot = domain.indexOf('.');
    if (dot === -1) return false;
    domain = domain.slice(dot + 1);
  }
}
