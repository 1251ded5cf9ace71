// Which detectors a profile turns on. Kubernetes-structural masking (Secret data, describe,
// secret env vars, PEM bodies, embedded documents, decoded values in transcripts) is on in every
// profile.
import { personalDetectors } from './detectors/personal.ts';
import { kubeconfigClientCertificate, secretDetectors } from './detectors/secrets.ts';
import type { Detector } from './detectors/types.ts';

export type MaskProfileName = 'standard' | 'strict' | 'secrets-only';

export const profileDescriptions: Record<MaskProfileName, string> = {
  'secrets-only': 'credentials only (Secret values, tokens, keys, passwords); no personal data',
  standard:
    "credentials plus customers' personal data, the default for a bank: payment cards (Luhn), US SSNs, IBANs (mod-97), " +
    "bank account/routing numbers, email addresses and phone numbers (the organisation's own domains may be allowed)",
  strict: 'standard plus kubeconfig client certificates',
};

export const PROFILE_NAMES = Object.keys(profileDescriptions) as MaskProfileName[];

export function isProfileName(name: string): name is MaskProfileName {
  return Object.hasOwn(profileDescriptions, name);
}

export function profileDetectors(profile: MaskProfileName): Detector[] {
  switch (profile) {
    case 'secrets-only':
      return [...secretDetectors];
    case 'standard':
      // Email addresses and phone numbers are customers' nonpublic personal information under
      // the GLBA: a bank masks them by default, not only in its strictest profile.
      return [...secretDetectors, ...personalDetectors];
    case 'strict':
      return [...secretDetectors, kubeconfigClientCertificate, ...personalDetectors];
  }
}

/** Every built-in detector, once, in the order they run in the strict profile. */
export function builtInDetectors(): Detector[] {
  return profileDetectors('strict');
}
