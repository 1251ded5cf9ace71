// A masking rules document (`hkubectl mask --rules FILE`, or the `masking:` section of a policy
// file): validated once into MaskingOptions.
import { UsageError } from '../errors.ts';
import { compileAllowList } from './allow-list.ts';
import { compileCustomDetector, type CustomDetectorSpec } from './custom-detectors.ts';
import { isProfileName, PROFILE_NAMES, type MaskProfileName } from './profiles.ts';

export interface MaskingRules {
  profile?: MaskProfileName;
  customDetectors: CustomDetectorSpec[];
  allow: string[];
  /** The organisation's own email domains: addresses there are not customers' data. */
  allowDomains: string[];
}

/** `doc` is parsed YAML/JSON: `{profile?, detectors?, allow?, allowDomains?}`, possibly under `masking:`. */
export function parseMaskingRules(doc: unknown, source: string): MaskingRules {
  const fail = (why: string) => new UsageError('MASK_RULE_INVALID', `${source}: ${why}`);
  if (doc === null || doc === undefined) return { customDetectors: [], allow: [], allowDomains: [] };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw fail('expected a mapping with detectors and/or allow');
  const root = 'masking' in doc ? (doc as { masking: unknown }).masking : doc;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw fail('masking must be a mapping');
  const { profile, detectors = [], allow = [], allowDomains = [], ...rest } = root as Record<string, unknown>;
  const unknown = Object.keys(rest).filter((k) => k !== 'masking');
  if (unknown.length > 0) throw fail(`unknown field ${unknown.join(', ')} (known: profile, detectors, allow, allowDomains)`);
  if (profile !== undefined && (typeof profile !== 'string' || !isProfileName(profile))) {
    throw fail(`profile must be one of ${PROFILE_NAMES.join(', ')}`);
  }
  if (!Array.isArray(detectors)) throw fail('detectors must be a list');
  if (!Array.isArray(allow) || !allow.every((a) => typeof a === 'string')) throw fail('allow must be a list of strings');
  if (!Array.isArray(allowDomains) || !allowDomains.every((a) => typeof a === 'string')) throw fail('allowDomains must be a list of domain names');
  const ids = new Set<string>();
  for (const spec of detectors as CustomDetectorSpec[]) {
    compileCustomDetector(spec);
    if (ids.has(spec.id)) throw fail(`custom detector "${spec.id}" is defined twice`);
    ids.add(spec.id);
  }
  compileAllowList(allow as string[], allowDomains as string[]);
  return {
    profile: profile as MaskProfileName | undefined,
    customDetectors: detectors as CustomDetectorSpec[],
    allow: allow as string[],
    allowDomains: allowDomains as string[],
  };
}
