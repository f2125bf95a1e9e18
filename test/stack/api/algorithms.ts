/**
 * B2 / B7: the fixed algorithm allow-list, for access tokens and DPoP proofs alike. Asymmetric only
 * (RFC 8725 §3.1-3.2, RFC 9449 §4.3): never `none`, never HS* (an HMAC "keyed" with the public key
 * would otherwise verify). The local IdP signs with ES256; the SW's DPoP key is ES256.
 */
export const ALLOWED_ALGS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA', 'Ed25519'] as const;
