/**
 * Issue 10 item 5: requests the SW does not own never wake it. Black box: Chromium reports, for
 * every response, which static route matched and which source actually answered (CDP
 * `Network.Response.serviceWorkerRouterInfo`); nothing in the shipped SW counts anything. The
 * owned requests are checked too, so the report is shown to tell the two apart.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually, useStack } from '../harness/fixture.ts';
import { signedIn } from './signed-in.ts';

/** CDP `Network.ServiceWorkerRouterInfo` (the package exports no protocol types). */
interface RouterInfo {
  readonly ruleIdMatched?: number;
  readonly matchedSourceType?: string;
  readonly actualSourceType?: string;
}

describe('issue 10 item 5: static routing', () => {
  const f = useStack({ host: 'nginx' });

  test('issue 10 item 5: with static routing, requests the SW does not own go to the network without its fetch handler; owned ones reach it', async () => {
    const { ctx, page, app, watch } = await signedIn(f);
    const o = f.stack.origins;

    const cdp = await ctx.newCDPSession(page);
    const seen = new Map<string, { info: RouterInfo | undefined; fromSw: boolean }>();
    cdp.on('Network.responseReceived', (e) =>
      seen.set(e.response.url, { info: e.response.serviceWorkerRouterInfo, fromSw: e.response.fromServiceWorker ?? false }),
    );
    await cdp.send('Network.enable');
    // Chromium reports the rules the SW registered (as `routerRules` JSON or `typedRouterRules`).
    let registered = 0;
    cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of e.versions)
        registered = Math.max(registered, v.typedRouterRules?.length ?? 0, v.routerRules ? (JSON.parse(v.routerRules) as unknown[]).length : 0);
    });
    await cdp.send('ServiceWorker.enable');
    await eventually(() => (registered > 0 ? true : undefined), 'the registered router rules');

    await page.reload();
    await app.signOutButton.waitFor();
    // Same-origin files outside the shell and a same-origin image. (Cross-origin, the document CSP
    // lets the page make only fetch/XHR calls, which the SW owns, and frames, which never reach
    // this SW: a navigation belongs to the SW of its own origin.)
    const notOwned = [`${o.appOrigin}/config.json`, `${o.appOrigin}/_headers`, `${o.appOrigin}/not-a-file.png`, `${o.appOrigin}/favicon.ico`];
    await page.evaluate(
      async ([config, headers, image, icon]) => {
        await fetch(config, { cache: 'no-store' });
        await fetch(headers);
        const img = new Image();
        const loaded = new Promise((r) => (img.onerror = img.onload = r));
        img.src = image;
        await loaded;
        await fetch(icon, { mode: 'no-cors' });
      },
      notOwned as [string, string, string, string],
    );
    await app.add('Routed');

    const index = await (await fetch(`${o.appOrigin}/index.html`)).text();
    const script = `${o.appOrigin}${/src="(\/assets\/[^"]+\.js)"/.exec(index)![1]}`;
    const owned = [`${o.appOrigin}/`, script, `${o.appOrigin}/app.css`, `${o.apiOrigin}/todos`];
    await eventually(() => ([...notOwned, ...owned].every((u) => seen.has(u)) ? true : undefined), 'every response reported');

    for (const url of notOwned) {
      const r = seen.get(url)!;
      assert.equal(r.info?.matchedSourceType, 'network', `${url} matched a network route: ${JSON.stringify(r)}`);
      assert.equal(r.info.actualSourceType, 'network', `${url} went to the network: ${JSON.stringify(r)}`);
      assert.equal(r.fromSw, false, url);
    }
    for (const url of owned) {
      const r = seen.get(url)!;
      assert.notEqual(r.info?.matchedSourceType, 'network', `${url} is owned: ${JSON.stringify(r)}`);
      assert.equal(r.fromSw, true, `${url} was answered by the SW: ${JSON.stringify(r)}`);
    }
    await cdp.detach();
    assert.deepEqual(watch.violations, [], watch.describe());
  });
});
