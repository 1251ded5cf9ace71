// Personal and financial data (Presidio's recognizers as a model): a pattern narrows, a
// checksum or a context word confirms, and neighbours decide that a digit run is a whole number
// rather than a piece of a uid, an IP, a timestamp or a digest. Digit counts are spelled out
// (`\d\d\d` rather than `\d{3}`): irregexp then skips ahead by the run's length instead of
// retrying at every digit, several times faster on timestamps and IPs.
import { abaRouting, iban, luhn, usSsn } from '../validators.ts';
import { hasContextWord, isolated } from './context.ts';
import type { Detector } from './types.ts';

// What every line holding a number of the card, SSN, bank-account and phone detectors holds (a
// necessary condition of each one's regex and validation): eight digits, maybe split 4+4 (a
// card's first eight, an account number), an SSN, a phone number's three digit groups, `(NXX)`,
// or `+` and a digit. Their digit-led regexes try at every digit of timestamps, IPs and resource
// versions; one digit pass (led by `\d\d\d`, which irregexp skips along quickly) and two searches
// for rare characters replace four such passes, and the detectors run on the few lines found
// (under 3% of mixed kubectl output). An alternation led by several classes would cost more
// than the four regexes it replaces.
const DIGIT_GROUPS = /\d\d\d(?:\d[ -]?\d\d\d\d|-\d\d-\d\d\d\d|[ .-]\d\d\d[ .-]\d\d\d\d)/g;
const AREA_CODE = /\(\d\d\d\)/y;

export function numberLines(text: string): number[] {
  const starts: number[] = [];
  const add = (at: number): number => {
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = text.length;
    starts.push(text.lastIndexOf('\n', at) + 1, lineEnd);
    return lineEnd;
  };
  DIGIT_GROUPS.lastIndex = 0;
  for (let m = DIGIT_GROUPS.exec(text); m !== null; m = DIGIT_GROUPS.exec(text)) DIGIT_GROUPS.lastIndex = add(m.index);
  const found = starts.length;
  for (let at = text.indexOf('+'); at !== -1; at = text.indexOf('+', at + 1)) {
    const c = text.charCodeAt(at + 1);
    if (c >= 48 && c <= 57) at = add(at);
  }
  for (let at = text.indexOf('('); at !== -1; at = text.indexOf('(', at + 1)) {
    AREA_CODE.lastIndex = at;
    if (AREA_CODE.test(text)) at = add(at);
  }
  return starts.length === found ? starts : sortedDistinct(starts);
}

function sortedDistinct(pairs: number[]): number[] {
  const order: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) order.push(i);
  order.sort((a, b) => (pairs[a] as number) - (pairs[b] as number));
  const out: number[] = [];
  for (const i of order) {
    if (out.length > 0 && out[out.length - 2] === pairs[i]) continue;
    out.push(pairs[i] as number, pairs[i + 1] as number);
  }
  return out;
}

// Payment card layouts: contiguous, or grouped 4-4-4-4(-3) or 4-6-5 with one separator kind.
const CARD_LAYOUT = /^(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5})$/;
// Issuer prefixes: Visa 4, Mastercard 51-55/22-27, Amex 34/37, Diners 30/36/38, Discover 6011/65/644-649, JCB 35.
const CARD_IIN = /^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6011|65|64[4-9]|62)/;

export const creditCard: Detector = {
  id: 'credit-card',
  description: 'payment card numbers: issuer prefix, layout and Luhn check',
  category: 'financial',
  priority: 50,
  gate: numberLines,
  regex: /[2-6]\d{3}(?:[ -]?\d){9,15}/g,
  valueGroup: 0,
  validate(value, text, start, end) {
    return CARD_LAYOUT.test(value) && CARD_IIN.test(value) && luhn(value) && isolated(text, start, end, '.:/-+');
  },
};

export const usSsnDetector: Detector = {
  id: 'us-ssn',
  description: 'US social security numbers the SSA issues (area, group, serial rules)',
  category: 'financial',
  priority: 50,
  gate: numberLines,
  regex: /\d\d\d-\d\d-\d\d\d\d/g,
  valueGroup: 0,
  validate: (value, text, start, end) => usSsn(value) && isolated(text, start, end, '.:/-+'),
};

export const ibanDetector: Detector = {
  id: 'iban',
  description: 'IBANs of the right length for their country, with a valid mod-97 check',
  category: 'financial',
  priority: 50,
  regex: /[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?/g,
  valueGroup: 0,
  validate: (value, text, start, end) => iban(value) && isolated(text, start, end, '-'),
};

const BANK_WORDS = [
  'bank', 'acct', 'account number', 'account_number', 'accountnumber', 'account-number', 'account no',
  'account #', 'account#', 'checking', 'savings', 'routing', 'aba',
];

export const bankAccount: Detector = {
  id: 'bank-account',
  description: 'bank account numbers (and ABA routing numbers) next to a word saying so',
  category: 'financial',
  priority: 40,
  gate: numberLines,
  regex: /\d\d\d\d\d\d\d\d\d{0,9}/g,
  valueGroup: 0,
  validate(value, text, start, end) {
    if (!isolated(text, start, end, '.:/-')) return false;
    if (value.length === 9 && abaRouting(value) && hasContextWord(text, start, ['routing', 'aba', 'transit'], 48)) {
      return 'bank-routing-number';
    }
    return hasContextWord(text, start, BANK_WORDS, 48);
  },
};

// The local part of an address: RFC 5322 atext as people use it.
const LOCAL_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-') LOCAL_CHAR[ch.charCodeAt(0)] = 1;

export const email: Detector = {
  id: 'email',
  description: "email addresses (customers' personal data; the organisation's own domains can be allowed)",
  category: 'contact',
  priority: 30,
  anchors: ['@'],
  // Found from its `@`: kubectl output has an `@` in every image digest, and a regex run over
  // each such line from its start tries 64 characters of local part at every position.
  anchorStart(text, at) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL_CHAR[text.charCodeAt(start - 1)] === 1) start--;
    return start;
  },
  regex: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/y,
  valueGroup: 0,
  validate: (_value, text, start) => !inUrlUserinfo(text, start),
};

/** `scheme://user:password@host`: the host is not an address (url-password masks the password). */
function inUrlUserinfo(text: string, start: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const head = text.slice(Math.max(lineStart, start - 300), start);
  const scheme = head.lastIndexOf('://');
  return scheme !== -1 && !/[\s"'<>@/]/.test(head.slice(scheme + 3));
}

export const phone: Detector = {
  id: 'phone',
  description: 'telephone numbers: North American (NXX) NXX-XXXX and international +CC forms',
  category: 'contact',
  priority: 30,
  gate: numberLines,
  regex: /(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}|\+\d{1,3}[ .-]?\d{2,4}(?:[ .-]?\d{2,4}){2,4}/g,
  valueGroup: 0,
  validate: (_value, text, start, end) => isolated(text, start, end, '.:/-'),
};

export const personalDetectors: readonly Detector[] = [creditCard, usSsnDetector, ibanDetector, bankAccount, email, phone];
