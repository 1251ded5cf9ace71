// Masking: secrets and personal data never reach the agent or the recording.
//
// Profiles (Kubernetes-structural masking — Secret data/stringData, describe secret, secret env
// vars, PEM private keys — is on in all of them):
//   standard (default) — credentials plus customers' personal data, as a bank needs by default:
//                        cards, SSNs, IBANs, bank accounts, email addresses, phone numbers
//   strict             — standard plus kubeconfig client certs
//   secrets-only       — credentials only
// Within a session, a value masked once is masked wherever it recurs, on any of the session's
// streams, even where no detector would recognise it (masked-value-memory.ts).
import { UsageError } from '../errors.ts';
import { compileAllowList } from './allow-list.ts';
import type { MaskCounts } from './block-masker.ts';
import { compileCustomDetector, type CustomDetectorSpec } from './custom-detectors.ts';
import { createMarkerRenderer } from './marker.ts';
import type { MaskedValueMemory } from './masked-value-memory.ts';
import { isProfileName, PROFILE_NAMES, profileDetectors, type MaskProfileName } from './profiles.ts';
import { createBlockStreamingMasker, type StreamingMasker } from './streaming.ts';
import { maskingTransform, type MaskingTransform } from './transform.ts';

export type { MaskingTransform } from './transform.ts';

export type { MaskCounts } from './block-masker.ts';
export type { CustomDetectorSpec } from './custom-detectors.ts';
export type { MaskProfileName } from './profiles.ts';
export type { StreamingMasker } from './streaming.ts';
export { builtInDetectors, PROFILE_NAMES, profileDescriptions, profileDetectors } from './profiles.ts';
export { STRUCTURAL_DETECTORS } from './catalogue.ts';
export { parseMaskingRules, type MaskingRules } from './rules.ts';
export { KNOWN_VALUE_ID, MaskedValueMemory, type MemoryLimits } from './masked-value-memory.ts';

export interface MaskingOptions {
  profile?: MaskProfileName;
  customDetectors?: CustomDetectorSpec[];
  /** Values that may pass: literals, or `/regex/flags` matching the whole value. */
  allow?: string[];
  /** The organisation's own email domains (and their subdomains): addresses there stay readable. */
  allowDomains?: string[];
  /**
   * Identities of the session itself (the agent's login, the relay's service identity): never
   * masked, so the agent can read who it acts as.
   */
  ownIdentities?: string[];
  /** Key for stable short fingerprints in markers (HMAC); absent = no fingerprints. */
  fingerprintKey?: Uint8Array;
}

/** A policy's `masking:` settings (as the relay sends them with an allow) on top of a profile. */
export function policyMasking(
  profile: MaskProfileName,
  settings?: { allowDomains?: string[]; allow?: string[]; detectors?: CustomDetectorSpec[] },
): MaskingOptions {
  return { profile, allowDomains: settings?.allowDomains, allow: settings?.allow, customDetectors: settings?.detectors };
}

/**
 * `memory`: values masked earlier in the session, masked again wherever they recur; give every
 * masker of one session (stdout, stderr, typed input) the same one.
 */
export function createStreamingMasker(options: MaskingOptions = {}, memory?: MaskedValueMemory): StreamingMasker {
  const profile = options.profile ?? 'standard';
  if (!isProfileName(profile)) {
    throw new UsageError('MASK_PROFILE_UNKNOWN', `unknown masking profile "${profile}" (known: ${PROFILE_NAMES.join(', ')})`);
  }
  const custom = (options.customDetectors ?? []).map(compileCustomDetector);
  return createBlockStreamingMasker({
    detectors: [...profileDetectors(profile), ...custom],
    allow: compileAllowList([...(options.allow ?? []), ...(options.ownIdentities ?? [])], options.allowDomains),
    marker: createMarkerRenderer(options.fingerprintKey),
    memory,
  });
}

/** Masks a whole document; the same engine as the stream, so results are identical. */
export function maskText(text: string, options?: MaskingOptions): { text: string; counts: MaskCounts } {
  const masker = createStreamingMasker(options);
  const head = masker.push(Buffer.from(text, 'utf8'));
  const tail = masker.flush();
  return { text: Buffer.concat([head, tail]).toString('utf8'), counts: { ...masker.counts } };
}

export function createMaskingTransform(options: MaskingOptions & { idleFlushMs?: number } = {}): MaskingTransform {
  return maskingTransform(createStreamingMasker(options), options.idleFlushMs);
}
