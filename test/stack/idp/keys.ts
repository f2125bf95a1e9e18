import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { writeFileAtomic } from '../atomic-file.ts';

/**
 * Signing and cookie keys for the local IdP. Generated on first start and reused, so tokens and
 * sessions survive a restart and the API's cached JWKS stays valid. The folder is gitignored.
 */
export interface IdpKeys {
  /** Private JWKs (ES256) for ID tokens and JWT access tokens. */
  readonly jwks: { keys: JWK[] };
  /** Keys that sign the IdP's cookies. */
  readonly cookieKeys: string[];
}

const SIGNING_FILE = 'idp-signing-jwks.json';
const COOKIE_FILE = 'idp-cookie-keys.json';

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Atomic write: a second IdP starting on the same folder never reads a half-written file. */
async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2));
}

function isJwks(v: unknown): v is { keys: JWK[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { keys?: unknown }).keys) && (v as { keys: unknown[] }).keys.length > 0;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((k) => typeof k === 'string');
}

async function newSigningJwks(): Promise<{ keys: JWK[] }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] };
}

export async function loadOrCreateKeys(keysDir: string): Promise<IdpKeys> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const signingPath = join(keysDir, SIGNING_FILE);
  const cookiePath = join(keysDir, COOKIE_FILE);

  let jwks = await readJson(signingPath);
  if (!isJwks(jwks)) {
    jwks = await newSigningJwks();
    await writeJson(signingPath, jwks);
  }
  let cookieKeys = await readJson(cookiePath);
  if (!isStringArray(cookieKeys)) {
    cookieKeys = [randomBytes(32).toString('base64url')];
    await writeJson(cookiePath, cookieKeys);
  }
  return { jwks: jwks as { keys: JWK[] }, cookieKeys: cookieKeys as string[] };
}
