// Who asked, answered or was recorded, as the relay verified it from an OIDC token: the same shape
// in API answers, audit entries and signed manifests.
export type Person = { subject: string; issuer: string; email?: string; groups: string[] };
