// What an assigned value must not be for us to call it a secret: empty, a boolean, a reference
// or placeholder, or our own marker (so masking twice changes nothing and counts nothing).

const NOT_SECRET = new Set([
  '', 'true', 'false', 'null', 'nil', 'none', 'yes', 'no', 'on', 'off', '""', "''", '[]', '{}',
  '|', '|-', '|+', '>', '>-', '>+', '-', '~', 'required', 'optional', 'redacted', 'masked',
]);

export function unquote(value: string): string {
  if (value.length >= 4 && value.startsWith('\\"') && value.endsWith('\\"')) return value.slice(2, -2);
  const q = value[0];
  if ((q === '"' || q === "'") && value.length >= 2 && value[value.length - 1] === q) return value.slice(1, -1);
  return value;
}

export function looksLikeSecretValue(raw: string): boolean {
  const value = unquote(raw).trim();
  if (NOT_SECRET.has(value.toLowerCase())) return false;
  if (value.startsWith('${') || value.startsWith('$(') || value.startsWith('{{') || value.startsWith('<')) return false;
  if (value.startsWith('[MASKED') || value.startsWith('W01BU0tFRD')) return false;
  if (/^\*+$/.test(value)) return false;
  // `kubectl describe secret` prints sizes, not values.
  if (/^\d+ bytes$/.test(value)) return false;
  return true;
}
