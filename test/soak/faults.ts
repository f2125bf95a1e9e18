/**
 * The soak's faults: a schedule drawn from the seed (so a run can be replayed), and how each
 * fault is put on the running stack. Every fault undoes itself in a `finally`, so the next one
 * (and the final count) always starts from a whole stack.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { stopServiceWorkers } from '../e2e/harness/browser.ts';
import type { ProxiedRequest } from '../e2e/harness/proxy.ts';
import type { Stack } from '../e2e/harness/stack.ts';

export const FAULT_KINDS = ['sw-idle', 'sw-mid-request', 'sw-mid-refresh', 'sw-mid-sign-in', 'api-restart', 'idp-restart', 'network-cut'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  readonly kind: FaultKind;
  /** Quiet time before the fault starts (after the previous one recovered). */
  readonly gapMs: number;
  /** How long a server stays down or the network cut; 0 for SW stops. */
  readonly downMs: number;
  /** Extra wait before a SW stop, so "a random moment" really varies within its window. */
  readonly jitterMs: number;
}

/** mulberry32: tiny, seedable, good enough to pick faults; Math.random cannot be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (rand: () => number, lo: number, hi: number): number => Math.round(lo + rand() * (hi - lo));

/** Outage lengths from the issue: API 3-10 s, IdP 3-15 s, network 20-60 s. */
function downFor(kind: FaultKind, rand: () => number): number {
  if (kind === 'api-restart') return between(rand, 3_000, 10_000);
  if (kind === 'idp-restart') return between(rand, 3_000, 15_000);
  if (kind === 'network-cut') return between(rand, 20_000, 60_000);
  return 0;
}

/**
 * Rounds of every kind in a seeded order: even a short run meets several kinds, and a long one
 * meets each kind about equally often (pure random picks would leave some out for minutes).
 */
export function planFaults(seed: number, count: number): PlannedFault[] {
  const rand = seededRandom(seed);
  const out: PlannedFault[] = [];
  while (out.length < count) {
    const round = [...FAULT_KINDS];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    for (const kind of round) out.push({ kind, gapMs: between(rand, 4_000, 12_000), downMs: downFor(kind, rand), jitterMs: between(rand, 0, 400) });
  }
  return out.slice(0, count);
}

export interface FaultTargets {
  readonly stack: Stack;
  readonly ctx: BrowserContext;
  readonly page: Page;
  /** The IdP's authorization endpoint (where every sign-in, silent or not, starts). */
  readonly authEndpoint: URL;
  /** Makes the user add a todo now: the fault's window gets the traffic it needs. */
  readonly nudge: () => void;
}

/** What happened when the fault was put on: `triggered` false when its moment never came. */
export interface Injected {
  readonly triggered: boolean;
  readonly note?: string;
  /**
   * What the proxy saw of the fault's aftermath, read once the app recovered (e.g. that the lost
   * POST was sent again with its Idempotency-Key): proof the fault hit what it meant to.
   */
  readonly evidence?: () => string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How long a request is held so that a SW stop (one CDP round trip, ~0.1-0.5 s here) lands inside it. */
const HOLD_MS = 2_500;
/** Generous: with the soak's short token lifetimes a refresh is due every ~10 s of use. */
const MOMENT_TIMEOUT_MS = 45_000;

/** Waits until the proxy sees a request `match` picks (from now on); undefined after `ms`. */
async function seen(t: FaultTargets, match: (r: ProxiedRequest) => boolean, ms: number): Promise<ProxiedRequest | undefined> {
  const proxy = t.stack.proxy!;
  let from = proxy.requests.length;
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (; from < proxy.requests.length; from++) if (match(proxy.requests[from]!)) return proxy.requests[from];
    await sleep(20);
  }
  return undefined;
}

/** Stops the SW; says how long after `since` the stop was complete (it must land inside the hold). */
async function stopSince(t: FaultTargets, since: number): Promise<string> {
  await stopServiceWorkers(t.page);
  return `SW stopped ${Date.now() - since} ms into a ${HOLD_MS} ms hold`;
}

/** How many requests since index `from` `match` picks. */
const countSince = (t: FaultTargets, from: number, match: (r: ProxiedRequest) => boolean): number =>
  t.stack.proxy!.requests.slice(from).filter(match).length;

export async function inject(f: PlannedFault, t: FaultTargets): Promise<Injected> {
  const proxy = t.stack.proxy!;
  const o = t.stack.origins;
  switch (f.kind) {
    case 'sw-idle':
      // Between writes: what Chromium does to an idle SW (Playwright keeps it from doing it itself).
      await sleep(f.jitterMs);
      await stopServiceWorkers(t.page);
      return { triggered: true };
    case 'sw-mid-request': {
      // The next POST /todos is held at the proxy but still reaches the API: its answer is lost.
      const isPost = (r: ProxiedRequest) => r.method === 'POST' && r.url.origin === o.apiOrigin && r.url.pathname === '/todos';
      proxy.delayRequests(isPost, HOLD_MS);
      try {
        t.nudge();
        const from = proxy.requests.length;
        const post = await seen(t, isPost, MOMENT_TIMEOUT_MS);
        if (!post) return { triggered: false, note: 'no POST /todos came' };
        const heldAt = Date.now();
        const key = post.headers['idempotency-key'];
        await sleep(f.jitterMs);
        const note = await stopSince(t, heldAt);
        const sameKey = (r: ProxiedRequest) => isPost(r) && r.headers['idempotency-key'] === key;
        return { triggered: true, note, evidence: () => `the held POST was sent ${countSince(t, from, sameKey)} times with its Idempotency-Key` };
      } finally {
        proxy.delayRequests(null);
      }
    }
    case 'sw-mid-refresh': {
      // Token requests wait at the proxy; the SW stops while one is in flight, then it goes on to
      // the IdP (which rotates the refresh token nobody will hear about).
      const before = proxy.tokenRequestCount();
      const release = proxy.holdTokenRequests();
      try {
        // The writer's own writes bring the refresh once the access token is half used.
        const deadline = Date.now() + MOMENT_TIMEOUT_MS;
        while (proxy.tokenRequestCount() === before && Date.now() < deadline) await sleep(20);
        if (proxy.tokenRequestCount() === before) return { triggered: false, note: 'no token request came' };
        await sleep(f.jitterMs);
        await stopServiceWorkers(t.page);
        const exchanges = proxy.tokenExchanges.length;
        return {
          triggered: true,
          evidence: () => {
            const grants = proxy.tokenExchanges.slice(exchanges).map((x) => x.request.get('grant_type') ?? '?');
            return `token requests after the stop: ${grants.join(', ') || 'none'}`;
          },
        };
      } finally {
        release();
      }
    }
    case 'sw-mid-sign-in': {
      // A SW that lost its memory signs in again (silent prompt=none in the page's iframe): stop it
      // again while that sign-in is at the IdP's /auth, held there so the stop lands inside it.
      const isAuth = (r: ProxiedRequest) => r.url.origin === t.authEndpoint.origin && r.url.pathname === t.authEndpoint.pathname;
      await stopServiceWorkers(t.page);
      proxy.delayRequests(isAuth, HOLD_MS);
      try {
        t.nudge();
        const from = proxy.requests.length;
        if (!(await seen(t, isAuth, MOMENT_TIMEOUT_MS))) return { triggered: false, note: 'no sign-in reached /auth' };
        const heldAt = Date.now();
        await sleep(f.jitterMs);
        const note = await stopSince(t, heldAt);
        // /callback itself never reaches the network (the SW answers it): its code exchange does.
        const exchanges = proxy.tokenExchanges.length;
        return {
          triggered: true,
          note,
          evidence: () => {
            const codes = proxy.tokenExchanges.slice(exchanges).filter((x) => x.request.get('grant_type') === 'authorization_code');
            return `/auth requests: ${countSince(t, from, isAuth)}, code exchanges after the stop: ${codes.map((x) => x.status).join(', ') || 'none'}`;
          },
        };
      } finally {
        proxy.delayRequests(null);
      }
    }
    case 'api-restart':
      await t.stack.api!.stop();
      try {
        await sleep(f.downMs);
      } finally {
        await t.stack.api!.start();
      }
      return { triggered: true };
    case 'idp-restart':
      // persistIdp: sessions and grants survive, as a real IdP's do across a restart.
      await t.stack.idp.stop();
      try {
        await sleep(f.downMs);
      } finally {
        await t.stack.idp.start();
      }
      return { triggered: true };
    case 'network-cut':
      // Offline as the browser sees it: the page and the SW both (TOOLCHAIN.md).
      await t.ctx.setOffline(true);
      try {
        await sleep(f.downMs);
      } finally {
        await t.ctx.setOffline(false);
      }
      return { triggered: true };
  }
}
