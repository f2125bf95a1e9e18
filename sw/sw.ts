/// <reference lib="webworker" />
/**
 * The service worker: wiring only. `owns()` decides synchronously, owned requests go to
 * handlers, everything else never gets `respondWith` and goes straight to the network.
 */
import { createContext } from './create-context.ts';
import { IdbHintStore } from './hint-store.ts';
import { broadcastTo, handleMessage } from './messages.ts';
import { owns } from './owns.ts';
import { IdbPendingBackend } from './pending-idb.ts';
import { handle } from './router.ts';

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

self.addEventListener('install', () => {
  // First install: take over at once. An update waits for the page's "Reload to update".
  if (!self.registration.active) void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const kind = owns(event.request, self.location.origin);
  if (kind) event.respondWith(handle(event.request, kind, ctx));
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
