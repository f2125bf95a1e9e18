/**
 * The heartbeat keeps the SW alive (issue 3 item 5), shown where Chromium's idle stop really
 * applies: over a bare CDP pipe that attaches to the page targets only, never to the SW
 * (Playwright would attach to it and so disable the idle timeout). Two isolated profiles run
 * side by side: in one the app page heartbeats as usual; in the other the page is frozen
 * (`Page.setWebLifecycleState`), so it sends nothing while the SW idles.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeAll } from './harness/browser.ts';
import { launchRawBrowser, type RawBrowser, type RawPage } from './harness/raw-cdp.ts';
import { sleep } from './harness/fixture.ts';
import { startStack, type Stack } from './harness/stack.ts';

/** The SW instance id, asked the way the vault asks (heartbeat on a MessageChannel). */
function instanceId(page: RawPage): Promise<string> {
  return page.evaluate<string>(`new Promise((resolve, reject) => {
    const sw = navigator.serviceWorker.controller;
    if (!sw) return reject(new Error('not controlled'));
    const ch = new MessageChannel();
    setTimeout(() => reject(new Error('no reply')), 10000);
    ch.port1.onmessage = (e) => e.data && e.data.ok ? resolve(e.data.result.swInstanceId) : reject(new Error(JSON.stringify(e.data)));
    sw.postMessage({ v: 1, id: 'raw-' + Date.now(), type: 'heartbeat' }, [ch.port2]);
  })`);
}

async function waitControlled(page: RawPage): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await page.evaluate<boolean>('navigator.serviceWorker.controller !== null').catch(() => false)) return;
    await sleep(200);
  }
  throw new Error('page never controlled');
}

/** Longer than Chromium's idle stop (~30 s idle, checked every ~30 s): 60 s plus slack. */
const IDLE_MS = 65_000;

describe('Heartbeat over raw CDP (no debugger attached to the SW)', () => {
  let stack: Stack;
  let browser: RawBrowser;
  before(async () => {
    stack = await startStack({ proxy: false });
    browser = await launchRawBrowser();
  });
  after(() => closeAll(browser, stack));

  test(
    'Heartbeat: the same SW instance lives through 60 s of idling with the heartbeat, and is replaced without it',
    { timeout: 180_000 },
    async () => {
      const url = `${stack.origins.appOrigin}/`;
      const withBeat = await browser.openPage(url, await browser.newContext());
      const withoutBeat = await browser.openPage(url, await browser.newContext());
      await Promise.all([waitControlled(withBeat), waitControlled(withoutBeat)]);
      assert.equal(await withBeat.evaluate<string>('document.visibilityState'), 'visible', 'the heartbeat runs in visible pages');
      const [a0, b0] = await Promise.all([instanceId(withBeat), instanceId(withoutBeat)]);
      assert.ok(a0 && b0, 'instance ids');

      await browser.send('Page.setWebLifecycleState', { state: 'frozen' }, withoutBeat.sessionId);
      await sleep(IDLE_MS);
      await browser.send('Page.setWebLifecycleState', { state: 'active' }, withoutBeat.sessionId);

      const [a1, b1] = await Promise.all([instanceId(withBeat), instanceId(withoutBeat)]);
      assert.equal(a1, a0, 'with the heartbeat the SW kept running (same instance)');
      assert.notEqual(b1, b0, 'without the heartbeat Chromium stopped the idle SW (new instance)');
    },
  );
});
