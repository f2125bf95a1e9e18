/**
 * An in-memory CacheStorage with the calls sw/precache.ts makes (Node has no Cache Storage).
 * Entries are keyed by URL, bodies kept as bytes so a test can read and overwrite them the way
 * page script can.
 */
export class FakeCache implements Pick<Cache, 'match' | 'put' | 'delete'> {
  readonly entries = new Map<string, { body: ArrayBuffer; headers: Headers }>();

  match(request: RequestInfo | URL): Promise<Response | undefined> {
    const e = this.entries.get(String(request instanceof Request ? request.url : request));
    return Promise.resolve(e ? new Response(e.body.slice(0), { headers: e.headers }) : undefined);
  }

  async put(request: RequestInfo | URL, response: Response): Promise<void> {
    this.entries.set(String(request instanceof Request ? request.url : request), {
      body: await response.arrayBuffer(),
      headers: new Headers(response.headers),
    });
  }

  delete(request: RequestInfo | URL): Promise<boolean> {
    return Promise.resolve(this.entries.delete(String(request instanceof Request ? request.url : request)));
  }
}

export class FakeCaches implements Pick<CacheStorage, 'open' | 'keys' | 'delete'> {
  readonly caches = new Map<string, FakeCache>();

  open(name: string): Promise<Cache> {
    let c = this.caches.get(name);
    if (!c) this.caches.set(name, (c = new FakeCache()));
    return Promise.resolve(c as unknown as Cache);
  }

  keys(): Promise<string[]> {
    return Promise.resolve([...this.caches.keys()]);
  }

  delete(name: string): Promise<boolean> {
    return Promise.resolve(this.caches.delete(name));
  }

  asCacheStorage(): CacheStorage {
    return this as unknown as CacheStorage;
  }
}
