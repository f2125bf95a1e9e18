import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { inflateSync } from 'node:zlib';
import { before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROME_ARGS, requireChrome } from '../../find-chrome.ts';
import { freePort } from '../free-port.ts';
import { authorizeRequest } from '../flow.ts';
import { useTeardown } from '../teardown.ts';
import { startIdp, type RunningIdp } from './server.ts';

// The IdP's own pages in a real browser: C10 (a login page framed by another origin must not
// render), and issue 9's "also seen": dark mode without a white flash, focus after a wrong password.
let idp: RunningIdp;
let attacker: Server;
let attackerOrigin: string;
let browser: Browser;
let appOrigin: string;

const teardown = useTeardown();
before(async () => {
  const keysDir = await teardown.tempDir('idp-keys-');
  const [idpPort, appPort, apiPort, attackerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  appOrigin = `http://localhost:${appPort}`;
  idp = teardown.add(await startIdp({ port: idpPort, appOrigin, apiOrigin: `http://localhost:${apiPort}`, keysDir }));
  attackerOrigin = `http://localhost:${attackerPort}`;
  attacker = createServer((req, res) => {
    const target = new URL(req.url ?? '/', attackerOrigin).searchParams.get('frame') ?? '';
    res.setHeader('Content-Type', 'text/html');
    // Built with attribute escaping of the only dynamic value: a URL the test chose.
    res.end(`<!doctype html><iframe id="f" src="${target.replace(/"/g, '&quot;')}"></iframe>`);
  });
  await new Promise<void>((r) => attacker.listen(attackerPort, 'localhost', r));
  teardown.defer(() => new Promise<void>((r) => attacker.close(() => r())));
  browser = teardown.add(await chromium.launch({ executablePath: requireChrome(), args: CHROME_ARGS }));
});

test('C10: the login page framed by another origin does not render', async () => {
  // The frame starts a real authorization request, which lands on the IdP's login page.
  const req = authorizeRequest(idp.issuer, appOrigin);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const blocked = new Promise<boolean>((resolve) => {
    page.on('console', (m) => {
      if (/frame-ancestors|X-Frame-Options|refused to (display|frame)/i.test(m.text())) resolve(true);
    });
    setTimeout(() => resolve(false), 10_000);
  });
  await page.goto(`${attackerOrigin}/?frame=${encodeURIComponent(req.url.toString())}`);
  assert.equal(await blocked, true, 'Chromium reported the frame as blocked');
  const frame = page.frames().find((f) => f !== page.mainFrame());
  const hasForm = frame
    ? await frame
        .locator('input[name="username"]')
        .count()
        .catch(() => 0)
    : 0;
  assert.equal(hasForm, 0, 'no login form rendered inside the cross-origin frame');
  await ctx.close();
});

test('C10: the same login page renders top-level (control)', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(authorizeRequest(idp.issuer, appOrigin).url.toString());
  await page.locator('input[name="username"]').waitFor();
  assert.equal(await page.locator('input[name="password"]').count(), 1);
  await ctx.close();
});

test('issue 9: after a wrong password, focus is on Password and the username is kept', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(authorizeRequest(idp.issuer, appOrigin).url.toString());
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'username', 'a fresh form starts at Username');
  await page.fill('#username', 'alice');
  await page.fill('#password', 'not-the-password');
  await page.click('button[type="submit"]');
  await page.locator('[role="alert"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
  assert.equal(await page.inputValue('#username'), 'alice');
  assert.equal(await page.inputValue('#password'), '');
  assert.equal(await page.getAttribute('#password', 'aria-describedby'), 'login-error');
  await ctx.close();
});

/** Relative luminance (WCAG 2.x) of a CSS `rgb(r, g, b)` colour. */
function luminance(rgb: readonly number[]): number {
  const lin = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (lin[0] ?? 0) + 0.7152 * (lin[1] ?? 0) + 0.0722 * (lin[2] ?? 0);
}

async function bodyBackground(page: Page): Promise<number[]> {
  const css = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const m = /^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$/.exec(css);
  assert.ok(m, `a colour: ${css}`);
  assert.notEqual(m[4], '0', 'the body has its own background, not transparent');
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * The colour of the pixel at (x, y) as painted. A 1x1 PNG clip needs no real decoder: with no
 * neighbours every PNG filter leaves the bytes as they are, so the inflated IDAT is
 * [filter byte, R, G, B, (A)].
 */
async function paintedPixel(page: Page, x: number, y: number): Promise<number[]> {
  const png = await page.screenshot({ clip: { x, y, width: 1, height: 1 } });
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return [...inflateSync(Buffer.concat(chunks)).subarray(1, 4)];
}

for (const scheme of ['dark', 'light'] as const) {
  test(`issue 9: under prefers-color-scheme ${scheme}, the login and error pages have a ${scheme} background`, async () => {
    const ctx = await browser.newContext({ colorScheme: scheme });
    const page = await ctx.newPage();
    const isDark = (rgb: number[]): boolean => luminance(rgb) < 0.05;
    await page.goto(authorizeRequest(idp.issuer, appOrigin).url.toString());
    await page.locator('#username').waitFor();
    assert.equal(isDark(await bodyBackground(page)), scheme === 'dark', 'login page');
    assert.equal(isDark(await paintedPixel(page, 2, 2)), scheme === 'dark', 'login page, painted');
    const bad = authorizeRequest(idp.issuer, appOrigin, { redirect_uri: 'http://localhost:1/callback' });
    const res = await page.goto(bad.url.toString());
    assert.equal(res?.status(), 400);
    assert.equal(isDark(await bodyBackground(page)), scheme === 'dark', 'error page');
    await ctx.close();
  });
}

test('issue 9: in dark mode the page is dark before its stylesheet arrives (no white flash)', async () => {
  const ctx = await browser.newContext({ colorScheme: 'dark' });
  const page = await ctx.newPage();
  // The moment before the CSS applies, held open: only the page's own head can colour it.
  await page.route('**/idp-assets/idp.css', (route) => route.abort());
  await page.goto(authorizeRequest(idp.issuer, appOrigin).url.toString());
  await page.locator('#username').waitFor();
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).color === 'rgb(0, 0, 0)'), false, 'default text is light');
  assert.ok(luminance(await paintedPixel(page, 2, 2)) < 0.05, 'the canvas is painted dark');
  await ctx.close();
});
