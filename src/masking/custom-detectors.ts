// Detectors a policy defines. Validated once, at the boundary, into the same Detector shape as
// the built-in ones; a bad one is a usage error that names it.
import { UsageError } from '../errors.ts';
import { hasContextWord } from './detectors/context.ts';
import type { Detector } from './detectors/types.ts';
import { validators, type ValidatorName } from './validators.ts';

export interface CustomDetectorSpec {
  /** Stable id, shown in markers and counts: lower case, digits and dashes. */
  id: string;
  /** What it finds, for `hkubectl mask --detectors` (default: the pattern). */
  description?: string;
  /** Regex source; with a named group `value`, only that group is masked. Must not span lines. */
  pattern: string;
  /** Any of `i`, `m`, `u`. */
  flags?: string;
  validator?: ValidatorName;
  /** A hit counts only when one of these words (case-insensitive) precedes it on its line. */
  contextWords?: string[];
  /** How many characters before the masked value to search for context words (default 48). */
  contextWindow?: number;
}

export function compileCustomDetector(spec: CustomDetectorSpec): Detector {
  const id = typeof spec?.id === 'string' ? spec.id : '';
  const fail = (why: string) => new UsageError('MASK_RULE_INVALID', `custom detector "${id || '?'}": ${why}`);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw fail('id must be lower-case letters, digits and dashes');
  if (typeof spec.pattern !== 'string' || spec.pattern.length === 0) throw fail('pattern is required');
  const flags = spec.flags ?? '';
  if (!/^[imu]*$/.test(flags)) throw fail(`flags "${flags}" not allowed (use i, m, u)`);
  let regex: RegExp;
  try {
    regex = new RegExp(spec.pattern, `${flags}gd`);
  } catch (error) {
    throw fail(`pattern is not a valid regular expression: ${(error as Error).message}`);
  }
  if (new RegExp(regex.source, flags).test('')) throw fail('pattern matches the empty string');
  const validate = spec.validator === undefined ? undefined : validators[spec.validator];
  if (spec.validator !== undefined && !validate) {
    throw fail(`unknown validator "${spec.validator}" (known: ${Object.keys(validators).join(', ')})`);
  }
  const words = spec.contextWords?.map((w) => String(w).toLowerCase());
  const window = spec.contextWindow ?? 48;
  if (!Number.isInteger(window) || window < 1 || window > 1024) throw fail('contextWindow must be 1..1024');
  const hasValueGroup = /\(\?<value>/.test(spec.pattern);
  const anchor = literalPrefix(spec.pattern);
  return {
    id,
    description: typeof spec.description === 'string' && spec.description.length > 0 ? spec.description : `policy detector /${spec.pattern}/`,
    category: 'secret',
    priority: 55,
    anchors: anchor ? [flags.includes('i') ? anchor.toLowerCase() : anchor] : undefined,
    anchorsIgnoreCase: flags.includes('i'),
    regex,
    valueGroup: hasValueGroup ? 'value' : 0,
    validate(value, text, start) {
      if (value.includes('\n')) return false;
      if (validate && !validate(value)) return false;
      return !words || hasContextWord(text, start, words, window);
    },
  };
}

/** A literal every match starts with, so the detector can skip lines without it. */
function literalPrefix(pattern: string): string | undefined {
  if (pattern.includes('|')) return undefined;
  let prefix = /^[A-Za-z0-9_=:-]*/.exec(pattern)?.[0] ?? '';
  if (/^[?*{]/.test(pattern.slice(prefix.length))) prefix = prefix.slice(0, -1);
  return prefix.length >= 3 ? prefix : undefined;
}
