// Checksums and shape tests that turn a regex hit into a finding. Presidio's lesson: a number
// that merely looks like a card or an IBAN is noise until its check digit agrees.

/** Luhn (ISO/IEC 7812) over the digits of `value`, ignoring spaces and dashes. */
export function luhn(value: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = value.length - 1; i >= 0; i--) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    digits++;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits >= 12 && sum % 10 === 0;
}

// ISO 13616 lengths per country; an IBAN of the wrong length for its country is not one.
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27,
  GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24,
  ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24,
  TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** IBAN with the right length for its country and ISO 7064 mod-97 remainder 1. */
export function iban(value: string): boolean {
  const compact = value.replace(/[ -]/g, '').toUpperCase();
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    const n = c >= 65 ? c - 55 : c - 48;
    if (n < 0 || n > 35) return false;
    remainder = (n > 9 ? remainder * 100 + n : remainder * 10 + n) % 97;
  }
  return remainder === 1;
}

/** ABA routing number checksum (weights 3, 7, 1). */
export function abaRouting(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const w = [3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (value.charCodeAt(i) - 48) * (w[i % 3] as number);
  return sum % 10 === 0 && !/^0{9}$/.test(value);
}

/** US SSN areas/groups/serials the SSA never issues (000, 666, 9xx; 00; 0000). */
export function usSsn(value: string): boolean {
  const m = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/.exec(value);
  if (!m) return false;
  const [, area, group, serial] = m as unknown as [string, string, string, string];
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  return !/^(\d)\1{8}$/.test(area + group + serial) && area + group + serial !== '123456789';
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict standard base64 (what the API server puts in a Secret's `data`). */
export function isBase64(value: string): boolean {
  return value.length % 4 === 0 && value.length > 0 && BASE64.test(value);
}

/** Does base64 `value` decode to text a human typed (printable ASCII or UTF-8)? */
export function decodesToText(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 0) return false;
  for (const b of bytes) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
    if (b === 0x7f) return false;
  }
  return bytes.toString('utf8').indexOf('\ufffd') === -1;
}

export type ValidatorName = 'luhn' | 'mod97' | 'aba' | 'us-ssn' | 'base64';

export const validators: Record<ValidatorName, (value: string) => boolean> = {
  luhn,
  mod97: iban,
  aba: abaRouting,
  'us-ssn': usSsn,
  base64: isBase64,
};
