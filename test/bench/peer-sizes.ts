/**
 * Our client and the peers' sized the same way: each a minimal app (peers/*.ts) bundled alone by
 * bundle.ts (the app's minifier and target), gzip -9, plus the service worker where the client
 * has one. Ours is our page-side client (the vault, without the todo UI) plus the built sw.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AXA_SW_FILE } from './axa.ts';
import { bundle, type Bundle } from './bundle.ts';
import { attempt, type Outcome } from './outcome.ts';
import { gzipSize, type SizeReport } from './sizes.ts';
import { ROOT } from './stack.ts';

export interface ClientSize {
  readonly name: string;
  readonly version: string;
  readonly pageGzip: number;
  readonly pageFiles: readonly { readonly name: string; readonly raw: number; readonly gzip: number }[];
  /** null: the client has no service worker (its tokens live in the page). */
  readonly swGzip: number | null;
  readonly totalGzip: number;
  /** Facts for the reader (e.g. the unminified size a peer's docs tell users to deploy). */
  readonly note?: string;
}

export interface PeerSizeReport {
  readonly ours: Outcome<ClientSize>;
  readonly peers: readonly { readonly id: string; readonly size: Outcome<ClientSize> }[];
  /** AxaFrance's app bundle, served to the browser for the side-by-side run. */
  readonly axaApp: Outcome<Bundle>;
}

const versionAt = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
const version = (pkg: string): string => versionAt(join(ROOT, 'node_modules', pkg));

const entry = (file: string) => join(ROOT, 'test/bench/peers', file);

function size(name: string, pkgVersion: string, page: Bundle, swGzip: number | null, note?: string): ClientSize {
  return {
    name,
    version: pkgVersion,
    pageGzip: page.gzip,
    pageFiles: page.files.map(({ name: n, raw, gzip }) => ({ name: n, raw, gzip })),
    swGzip,
    totalGzip: page.gzip + (swGzip ?? 0),
    ...(note ? { note } : {}),
  };
}

export async function measurePeerSizes(app: Outcome<SizeReport>): Promise<PeerSizeReport> {
  const ours = await attempt(async () => {
    if (!app.ok) throw new Error(`the app build was not sized: ${app.message}`);
    return size('ours', versionAt(ROOT), await bundle(entry('ours-app.ts'), 'ours'), app.value.swGzip);
  });
  const axaApp = await attempt(() => bundle(entry('axa-app.ts'), 'axa'));
  const axa = await attempt(async () => {
    if (!axaApp.ok) throw new Error(axaApp.message);
    const sw = await bundle(AXA_SW_FILE, 'axa-sw');
    const shipped = gzipSize(readFileSync(AXA_SW_FILE));
    const note = `SW minified here; as the package ships it (and its copy script deploys it): ${(shipped / 1024).toFixed(2)} KB gzip`;
    return size('@axa-fr/oidc-client + OidcServiceWorker.js', version('@axa-fr/oidc-client'), axaApp.value, sw.gzip, note);
  });
  const auth0 = await attempt(async () =>
    size('@auth0/auth0-spa-js', version('@auth0/auth0-spa-js'), await bundle(entry('auth0-app.ts'), 'auth0'), null),
  );
  const octs = await attempt(async () =>
    size('oidc-client-ts UserManager', version('oidc-client-ts'), await bundle(entry('oidc-client-ts-app.ts'), 'oidc-client-ts'), null),
  );
  return {
    ours,
    peers: [
      { id: '6b', size: axa },
      { id: '6c', size: auth0 },
      { id: '6d', size: octs },
    ],
    axaApp,
  };
}
