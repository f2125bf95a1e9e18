/**
 * Alters ID tokens on their way from the IdP to the SW (A4). Claims are changed and the token is
 * re-signed with a key of ours that the proxy adds to the JWKS the browser sees, so the
 * signature still verifies and only the one intended check fails. `resignUnchanged` is the
 * control: the same re-signing with nothing changed must still sign the user in.
 */
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import type { JsonTransform } from './proxy.ts';

export interface ForgeKit {
  /** Adds our public key to a JWKS document. */
  readonly addKeyToJwks: JsonTransform;
  /** Token-response transform that rewrites the ID token with `f`. */
  idToken(f: (token: string) => Promise<string> | string): JsonTransform;
  resignWith(changes: (claims: JWTPayload) => JWTPayload): (token: string) => Promise<string>;
  readonly resignUnchanged: (token: string) => Promise<string>;
  readonly algNone: (token: string) => string;
  readonly badSignature: (token: string) => string;
}

const KID = 'e2e-forge-key';

export async function forgeKit(): Promise<ForgeKit> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: KID, use: 'sig', alg: 'ES256' };

  const resignWith = (changes: (claims: JWTPayload) => JWTPayload) => async (token: string) => {
    const header = decodeProtectedHeader(token);
    const claims = changes({ ...decodeJwt(token) });
    return new SignJWT(claims).setProtectedHeader({ ...header, alg: 'ES256', kid: KID }).sign(privateKey);
  };

  return {
    addKeyToJwks: (jwks) => ({ ...jwks, keys: [...(Array.isArray(jwks['keys']) ? (jwks['keys'] as unknown[]) : []), jwk] }),
    idToken: (f) => async (body) => ({ ...body, id_token: await f(String(body['id_token'])) }),
    resignWith,
    resignUnchanged: resignWith((c) => c),
    algNone: (token) => {
      const [h = '', p = ''] = token.split('.');
      const header = { ...(JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>), alg: 'none' };
      return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.`;
    },
    badSignature: (token) => {
      const [h, p, s = ''] = token.split('.');
      const sig = Buffer.from(s, 'base64url');
      sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 0x01;
      sig[0] = (sig[0] ?? 0) ^ 0x80;
      return `${h}.${p}.${sig.toString('base64url')}`;
    },
  };
}
