// Which detectors a profile turns on. Kubernetes-structural masking (Secret data, describe,
// secret env vars, PEM bodies) is on in every profile.
import { personalDetectors } from './detectors/personal.ts';
import { kubeconfigClientCertificate, secretDetectors } from './detectors/secrets.ts';
import type { Detector } from './detectors/types.ts';

export type MaskProfileName = 'standard' | 'strict' | 'secrets-only';

export const profileDescriptions: Record<MaskProfileName, string> = {
  'secrets-only': 'credentials only (Secret values, tokens, keys, passwords); no personal data',
  standard: 'credentials plus financial data: payment cards (Luhn), US SSNs, IBANs (mod-97), bank account/routing numbers',
  strict: 'standard plus email addresses, phone numbers and kubeconfig client certificates',
};

export const PROFILE_NAMES = Object.keys(profileDescriptions) as MaskProfileName[];

export function isProfileName(name: string): name is MaskProfileName {
  return Object.hasOwn(profileDescriptions, name);
}

export function profileDetectors(profile: MaskProfileName): Detector[] {
  const financial = personalDetectors.filter((d) => d.category === 'financial');
  const contact = personalDetectors.filter((d) => d.category === 'contact');
  switch (profile) {
    case 'secrets-only':
      return [...secretDetectors];
    case 'standard':
      return [...secretDetectors, ...financial];
    case 'strict':
      return [...secretDetectors, kubeconfigClientCertificate, ...financial, ...contact];
  }
}
