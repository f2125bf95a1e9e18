import { ApiError } from './errors.ts';

/** The parts of the IdP's metadata (OIDC Discovery / RFC 8414) the API uses. */
export interface IssuerMetadata {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly introspection_endpoint: string | undefined;
}

const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * Fetches the issuer's metadata once, lazily: the API may start before the IdP. A failure is not
 * cached, so the next request tries again; while the IdP is unreachable requests get 503
 * `temporarily_unavailable`.
 */
export class Discovery {
  readonly #issuer: string;
  #pending: Promise<IssuerMetadata> | undefined;

  constructor(issuer: string) {
    this.#issuer = issuer;
  }

  get(): Promise<IssuerMetadata> {
    if (this.#pending === undefined) {
      const attempt = fetchMetadata(this.#issuer);
      this.#pending = attempt;
      attempt.catch(() => {
        if (this.#pending === attempt) this.#pending = undefined;
      });
    }
    return this.#pending;
  }
}

/**
 * OIDC Discovery §4: the issuer with any terminating `/` removed, then
 * `/.well-known/openid-configuration`; an issuer with a path keeps it
 * (`https://idp.example/api/oidc` -> `https://idp.example/api/oidc/.well-known/openid-configuration`).
 */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

async function fetchMetadata(issuer: string): Promise<IssuerMetadata> {
  const url = discoveryUrl(issuer);
  let body: unknown;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), redirect: 'error' });
    if (!res.ok) throw new Error(`discovery answered HTTP ${res.status}`);
    body = await res.json();
  } catch (cause) {
    throw new ApiError('temporarily_unavailable', 'the identity provider is unreachable', { cause });
  }
  // A body that is not a JSON object has no issuer, so the check below refuses it.
  const meta: Partial<Record<string, unknown>> = typeof body === 'object' && body !== null ? body : {};
  // OIDC Discovery §4.3: the metadata's issuer must be exactly the one configured (no
  // normalising: a trailing slash or a path is part of the identifier, and of every token's `iss`).
  if (meta['issuer'] !== issuer || typeof meta['jwks_uri'] !== 'string') {
    throw new ApiError('temporarily_unavailable', 'the identity provider metadata is invalid');
  }
  return {
    issuer,
    jwks_uri: meta['jwks_uri'],
    introspection_endpoint: typeof meta['introspection_endpoint'] === 'string' ? meta['introspection_endpoint'] : undefined,
  };
}
