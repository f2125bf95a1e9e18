/// <reference lib="webworker" />
/**
 * The service worker: wiring only. Requests it does not own go straight to the network: by the
 * static routes registered at install where the browser has them, else because `owns()` (the
 * same table, decided synchronously) gives them no `respondWith`. Owned requests go to handlers
 * or to the verified shell.
 */
import { createContext } from './create-context.ts';
import { IdbHintStore } from './hint-store.ts';
import { broadcastTo, handleMessage } from './messages.ts';
import { owns, routeTable, routerRules, type RouterRule } from './owns.ts';
import { IdbPendingBackend } from './pending-idb.ts';
import { Shell } from './precache.ts';
import { handle } from './router.ts';
import { MANIFEST_PLACEHOLDER, parseManifest } from './shell-manifest.ts';

export {};
declare const self: ServiceWorkerGlobalScope;

const now = () => Date.now();
const ctx = createContext({
  origin: self.location.origin,
  fetch: (input, init) => fetch(input, init),
  now,
  online: () => self.navigator.onLine,
  pending: new IdbPendingBackend(now),
  hint: new IdbHintStore(),
  broadcast: (m) => broadcastTo(self.clients, m),
  refreshTimer: true,
});
const ops = { claim: () => self.clients.claim(), skipWaiting: () => self.skipWaiting() };
// Known config narrows what the fetch listener owns; a failure is retried on first use.
void ctx.config().catch(() => undefined);
const shell = new Shell(parseManifest(MANIFEST_PLACEHOLDER), {
  origin: self.location.origin,
  caches: self.caches,
  fetch: (input, init) => fetch(input, init),
  config: () => ctx.config(),
});
const routes = routeTable(shell.paths);

/** `InstallEvent.addRoutes` (Service Worker Static Routing API); not in lib.dom yet. */
interface RoutingInstallEvent extends ExtendableEvent {
  addRoutes?(rules: readonly RouterRule[]): Promise<void>;
}

self.addEventListener('install', (event: RoutingInstallEvent) => {
  // First install: take over at once. An update waits for the page's "Reload to update".
  if (!self.registration.active) void self.skipWaiting();
  // Rules are fixed for this version. Without the API (or if it refuses them) owns() decides.
  const addRoutes = event.addRoutes?.(routerRules(routes)).catch(() => undefined);
  event.waitUntil(Promise.all([addRoutes, shell.install()]));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(Promise.all([shell.activate(), self.clients.claim()]));
});

self.addEventListener('fetch', (event) => {
  const kind = owns(event.request, self.location.origin, routes, ctx.ownedOrigins());
  if (kind === 'shell') event.respondWith(shell.respond(event.request));
  else if (kind) event.respondWith(handle(event.request, kind, ctx));
});

self.addEventListener('message', (event) => {
  const source = event.source;
  const sender = async () => {
    const isWindow = source instanceof WindowClient;
    const controlled = isWindow && (await self.clients.matchAll({ type: 'window' })).some((c) => c.id === source.id);
    return { isWindowClient: isWindow, origin: isWindow ? new URL(source.url).origin : null, controlled };
  };
  event.waitUntil(handleMessage(event.data, event.ports[0], sender, ctx, ops));
});
