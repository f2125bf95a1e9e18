/**
 * Searches everything a page script can read for secrets (A5, A7, A8): window globals, Web
 * Storage, every IndexedDB database and store, Cache Storage, cookies, the DOM (shadow roots,
 * attributes, form values), the URL, history state, performance entries (past URLs), and every
 * message the page received from the SW. Each secret is searched raw, URL-encoded and in base64
 * and base64url.
 */
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { withIdbRecords, type IdbRecord } from './idb-records.ts';

export interface Finding {
  readonly secretIndex: number;
  readonly form: string;
  readonly where: string;
}

/** Everything page script can read, as labelled strings, given its IndexedDB records. Runs in the page. */
async function collectReadable(records: IdbRecord[]): Promise<[string, string][]> {
  const out: [string, string][] = [];
  const bytes = (b: ArrayBufferLike): string => {
    let s = '';
    for (const x of new Uint8Array(b)) s += String.fromCharCode(x);
    return s;
  };
  const seen = new WeakSet();
  const walk = (v: unknown, depth: number, acc: string[]): void => {
    if (typeof v === 'string') acc.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') acc.push(String(v));
    else if (v instanceof ArrayBuffer) acc.push(bytes(v));
    else if (ArrayBuffer.isView(v)) acc.push(bytes(v.buffer));
    else if (typeof v === 'object' && v !== null && depth < 4 && !(v instanceof Node) && !(v instanceof Window) && !seen.has(v)) {
      seen.add(v);
      let keys: string[];
      try {
        keys = Object.getOwnPropertyNames(v);
      } catch {
        return;
      }
      for (const k of keys.slice(0, 500)) {
        acc.push(k);
        try {
          walk((v as Record<string, unknown>)[k], depth + 1, acc);
        } catch {
          /* getters that throw */
        }
      }
      if (v instanceof Map)
        for (const [k, x] of v) {
          walk(k, depth + 1, acc);
          walk(x, depth + 1, acc);
        }
      if (v instanceof Set) for (const x of v) walk(x, depth + 1, acc);
    }
  };
  const text = (v: unknown): string => {
    const acc: string[] = [];
    walk(v, 0, acc);
    return acc.join('\n');
  };

  // Every global the page can enumerate, built-in or not (a token could hang off either).
  for (const k of Object.getOwnPropertyNames(window)) {
    try {
      out.push([`global ${k}`, text((window as unknown as Record<string, unknown>)[k])]);
    } catch {
      /* cross-origin or throwing getter */
    }
  }
  out.push(['messages from SW', ((globalThis as unknown as { __e2eMessages?: string[] }).__e2eMessages ?? []).join('\n')]);

  for (const [name, store] of [
    ['localStorage', localStorage],
    ['sessionStorage', sessionStorage],
  ] as const) {
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i) ?? '';
      out.push([`${name} ${k}`, `${k}\n${store.getItem(k) ?? ''}`]);
    }
  }
  out.push(['document.cookie', document.cookie]);

  for (const r of records) out.push([`indexedDB ${r.db}/${r.store}`, `${text(r.key)}\n${text(r.value)}`]);

  if ('caches' in self) {
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        const res = await cache.match(req);
        const headers = res ? [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n') : '';
        out.push([`cache ${name} ${req.url}`, `${req.url}\n${headers}\n${res ? await res.text() : ''}`]);
      }
    }
  }

  // The DOM including shadow roots, attribute values and live form values.
  const dom: string[] = [document.documentElement.outerHTML];
  const visit = (root: Document | ShadowRoot): void => {
    for (const el of Array.from(root.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) dom.push(a.value);
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) dom.push(el.value);
      if (el.shadowRoot) {
        dom.push(el.shadowRoot.innerHTML, el.shadowRoot.textContent);
        visit(el.shadowRoot);
      }
    }
  };
  visit(document);
  out.push(['DOM', dom.join('\n')]);
  out.push(['location', `${location.href}\n${document.URL}\n${document.referrer}\n${document.baseURI}`]);
  out.push(['history.state', text(history.state)]);
  out.push([
    'performance entries',
    performance
      .getEntries()
      .map((e) => e.name)
      .join('\n'),
  ]);
  return out;
}

function forms(secret: string): [string, string][] {
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  const b64url = Buffer.from(secret, 'utf8').toString('base64url');
  return [
    ['raw', secret],
    ['url-encoded', encodeURIComponent(secret)],
    ['form-encoded', new URLSearchParams({ x: secret }).toString().slice(2)],
    ['base64', b64],
    // Padding and the last characters depend on alignment: a prefix still identifies a leak.
    ['base64 (unpadded)', b64.replace(/=+$/, '')],
    ['base64url', b64url],
  ];
}

/**
 * The strings a leak of `secrets` would contain. JWTs also yield their signature segment, which
 * alone is secret (header and payload are not: they hold claims a page may show).
 */
export function secretVariants(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    out.add(s);
    const parts = s.split('.');
    if (parts.length === 3 && parts[2]) out.add(parts[2]);
  }
  return [...out];
}

async function scanFrame(frame: Frame, needles: readonly string[]): Promise<Finding[]> {
  const readable = await withIdbRecords(frame, collectReadable);
  const findings: Finding[] = [];
  needles.forEach((secret, i) => {
    for (const [form, value] of forms(secret)) {
      for (const [where, text] of readable) {
        if (text.includes(value)) findings.push({ secretIndex: i, form, where: `${frame.url()} :: ${where}` });
      }
    }
  });
  return findings;
}

/**
 * Asserts that none of `secrets` (each non-empty: a scan for nothing proves nothing) can be read
 * by script in any same-origin frame of the page.
 */
export async function assertNoSecretsInPage(page: Page, secrets: readonly string[], label: string): Promise<void> {
  assert.ok(secrets.length > 0, `${label}: no secrets captured, the scan would prove nothing`);
  for (const s of secrets) assert.ok(s.length >= 16, `${label}: captured secret too short to be real: ${s.length} chars`);
  const needles = secretVariants(secrets);
  const origin = new URL(page.url()).origin;
  const findings: Finding[] = [];
  for (const frame of page.frames()) {
    if (frame.url() === 'about:blank' || new URL(frame.url()).origin !== origin) continue;
    try {
      findings.push(...(await scanFrame(frame, needles)));
    } catch (e) {
      // The silent-recovery iframe may be removed mid-scan: what is gone can no longer be read.
      if (frame.isDetached()) continue;
      throw e;
    }
  }
  assert.deepEqual(findings, [], `${label}: secrets readable by page script`);
}
