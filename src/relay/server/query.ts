// Query strings → typed values, once, at the boundary. A parameter a route does not know, one
// given twice, or one whose value does not parse is a 400 naming it: silently reading `garbage`
// as "no filter" would answer a question nobody asked.
import { isIsoDateTime } from '../../contract/iso-time.ts';
import { ApiError } from './http.ts';

type Parser<T> = { describe: string; parse(raw: string): T | undefined };
type Spec = Record<string, Parser<unknown>>;
export type Parsed<S extends Spec> = { [K in keyof S]?: S[K] extends Parser<infer T> ? T : never };

function invalid(name: string, expected: string): ApiError {
  return new ApiError(400, 'ERR_INVALID_QUERY', `query parameter "${name}" must be ${expected}`);
}

export function parseQuery<S extends Spec>(url: URL, spec: S): Parsed<S> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [name, raw] of url.searchParams) {
    const parser = Object.hasOwn(spec, name) ? spec[name] : undefined;
    // The name is the client's text: shown as JSON so no control character reaches a log or terminal raw.
    if (!parser) throw new ApiError(400, 'ERR_INVALID_QUERY', `unknown query parameter ${JSON.stringify(name.slice(0, 64))} (this route takes ${Object.keys(spec).join(', ') || 'none'})`);
    if (seen.has(name)) throw new ApiError(400, 'ERR_INVALID_QUERY', `query parameter "${name}" is given more than once`);
    seen.add(name);
    const value = raw.length > 64 ? undefined : parser.parse(raw);
    if (value === undefined) throw invalid(name, parser.describe);
    out[name] = value;
  }
  return out as Parsed<S>;
}

/** A whole number in [min, max], written in plain decimal digits. */
export function wholeNumber(min: number, max: number): Parser<number> {
  return {
    describe: `a whole number from ${min} to ${max}`,
    parse(raw) {
      if (!/^\d{1,16}$/.test(raw)) return undefined;
      const n = Number(raw);
      return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
    },
  };
}

export function oneOf<T extends string>(values: readonly T[]): Parser<T> {
  return { describe: `one of ${values.join(', ')}`, parse: (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : undefined) };
}

export const isoTime: Parser<Date> = {
  describe: 'an ISO 8601 date or date-time, e.g. 2026-07-01 or 2026-07-01T10:00:00Z',
  parse: (raw) => (isIsoDateTime(raw) ? new Date(raw) : undefined),
};
