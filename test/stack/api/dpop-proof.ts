import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import { ALLOWED_ALGS } from './algorithms.ts';
import { ApiError } from './errors.ts';

/**
 * One DPoP proof JWT (RFC 9449 §4.2), checked as §4.3 lists, step by step. What the request must
 * match (htm, htu, ath, iat window) is checked here too; the nonce, the replay cache and the
 * token's `cnf.jkt` are dpop-binding.ts's part. Every failure is `invalid_dpop_proof` with a short
 * fixed description (never the proof or the token).
 */
export interface ProofExpectations {
  /** The request method (RFC 9449 `htm`). */
  readonly method: string;
  /** The request URI without query or fragment (RFC 9449 `htu`), normalised with normaliseHtu. */
  readonly htu: string;
  /** The access token presented with the proof: `ath` must be its SHA-256. */
  readonly accessToken: string;
  readonly nowSec: number;
  /** How far in the past `iat` may be. */
  readonly maxAgeSec: number;
  /** How far in the future `iat` may be (clock skew). */
  readonly clockToleranceSec: number;
}

export interface CheckedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key. */
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
  readonly nonce: string | undefined;
}

const DPOP_TYP = 'dpop+jwt';
/** Members of a private or symmetric JWK (RFC 7518 §6.2.2, §6.3.2, §6.4): a proof key must be public. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
/** Bounds the replay cache's keys. */
const MAX_JTI_CHARS = 256;

export async function checkProof(proof: string, expect: ProofExpectations): Promise<CheckedProof> {
  const jwk = publicJwkOf(proof);
  let payload: Record<string, unknown>;
  try {
    // jose takes the key from the `jwk` header only, allows only ALLOWED_ALGS (asymmetric), and
    // checks `typ` (also accepting `application/dpop+jwt`, the same media type: RFC 7515 §4.1.9).
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      algorithms: [...ALLOWED_ALGS],
      typ: DPOP_TYP,
      currentDate: new Date(expect.nowSec * 1000),
    }));
  } catch (cause) {
    throw invalid(describe(cause), cause);
  }
  const { jti, htm, htu, iat, ath, nonce } = payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_CHARS) throw invalid('the proof has no usable jti');
  if (htm !== expect.method) throw invalid('the proof is for another HTTP method (htm)');
  if (typeof htu !== 'string' || normaliseHtu(htu) !== expect.htu) throw invalid('the proof is for another URI (htu)');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('the proof has no iat');
  if (iat < expect.nowSec - expect.maxAgeSec) throw invalid('the proof is too old (iat)');
  if (iat > expect.nowSec + expect.clockToleranceSec) throw invalid('the proof is issued in the future (iat)');
  if (ath !== accessTokenHash(expect.accessToken)) throw invalid('the proof is for another access token (ath)');
  if (nonce !== undefined && typeof nonce !== 'string') throw invalid('the proof nonce is not a string');
  return { jkt: await calculateJwkThumbprint(jwk, 'sha256'), jti, iat, nonce };
}

/** RFC 9449 §4.2 `ath`: base64url(SHA-256(ASCII(access token))). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * RFC 9449 §4.3 item 9: the URI without query and fragment, with RFC 3986 §6.2.2 syntax-based
 * normalisation (case of scheme and host, percent-encoding case, unreserved characters decoded,
 * dot segments) and §6.2.3 scheme-based normalisation (default port dropped, empty path = `/`).
 * WHATWG URL parsing does all but the percent-encoding part. Undefined for anything but http(s).
 */
export function normaliseHtu(value: string): string | undefined {
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  const path = url.pathname.replace(/%[0-9a-fA-F]{2}/g, (enc) => {
    const ch = String.fromCharCode(parseInt(enc.slice(1), 16));
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : enc.toUpperCase();
  });
  return `${url.origin}${path}`;
}

/** The `jwk` header, which must be a public asymmetric key (§4.3 items 5 and 7). */
function publicJwkOf(proof: string): JWK {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch (cause) {
    throw invalid('the DPoP proof is not a JWT', cause);
  }
  // Decoded, not validated: the header is whatever the client sent, so `jwk` may be any JSON value.
  const jwk: unknown = header.jwk;
  if (typeof jwk !== 'object' || jwk === null) throw invalid('the proof has no jwk header');
  if (PRIVATE_MEMBERS.some((m) => m in jwk) || ('kty' in jwk && jwk.kty === 'oct')) throw invalid('the proof jwk must be a public key');
  return jwk;
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the proof is signed with an algorithm that is not allowed';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the proof signature is not by its jwk';
  if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'typ') return 'the proof typ must be dpop+jwt';
  return 'the DPoP proof is malformed or invalid';
}

function invalid(description: string, cause?: unknown): ApiError {
  return new ApiError('invalid_dpop_proof', description, cause === undefined ? {} : { cause });
}
