// Ids that appear in markers and `--stats` counts without being regex detectors: the findings of
// the Kubernetes-aware walkers, and the more specific names some detectors give a finding. Each
// is as stable as a detector id (manifests record counts by id).
import { KNOWN_VALUE_ID } from './masked-value-memory.ts';

export interface DetectorInfo {
  id: string;
  description: string;
  /** The profiles it masks in (default: every profile). */
  profiles?: string;
}

export const STRUCTURAL_DETECTORS: readonly DetectorInfo[] = [
  { id: 'k8s-secret-data', description: "values of a Secret's data/stringData: YAML, JSON, describe, jsonpath, go-template maps, last-applied annotations" },
  { id: 'k8s-env-secret', description: 'env values whose variable name says secret (DB_PASSWORD, API_KEY, …), in pod specs and in embedded manifests' },
  { id: 'decoded-secret', description: 'output lines after a command that decodes a Secret (base64 -d, jq @base64d, openssl enc -d) until the prompt returns' },
  { id: 'secret-like-token', description: 'a password-like token alone on a line shortly after a Secret was read (not hashes, digests, UIDs, names)' },
  { id: 'embedded-secret', description: 'a value found inside a multi-line string of an embedded document' },
  { id: 'aws-secret-key', description: 'secret-assignment to an AWS secret access key' },
  { id: 'gcp-service-account-key', description: "a GCP service account key's private key or key id" },
  { id: 'kubeconfig-credential', description: "a kubeconfig user's client key, token or refresh token" },
  { id: 'bank-routing-number', description: 'bank-account finding with a valid ABA checksum next to "routing"', profiles: 'standard,strict' },
  { id: KNOWN_VALUE_ID, description: 'a value masked earlier in the session, wherever it recurs' },
];
