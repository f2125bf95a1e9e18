import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CHROME_ARGS, requireChrome } from '../../find-chrome.ts';
import { freePort } from '../free-port.ts';
import { authorizeRequest } from '../flow.ts';
import { startIdp, type RunningIdp } from './server.ts';

// C10 in a real browser: the IdP's login page, framed by another origin, must not render.
let idp: RunningIdp;
let keysDir: string;
let attacker: Server;
let attackerOrigin: string;
let browser: Browser;
let appOrigin: string;

before(async () => {
  keysDir = await mkdtemp(join(tmpdir(), 'idp-keys-'));
  const [idpPort, appPort, apiPort, attackerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  appOrigin = `http://localhost:${appPort}`;
  idp = await startIdp({ port: idpPort, appOrigin, apiOrigin: `http://localhost:${apiPort}`, keysDir });
  attackerOrigin = `http://localhost:${attackerPort}`;
  attacker = createServer((req, res) => {
    const target = new URL(req.url ?? '/', attackerOrigin).searchParams.get('frame') ?? '';
    res.setHeader('Content-Type', 'text/html');
    // Built with attribute escaping of the only dynamic value: a URL the test chose.
    res.end(`<!doctype html><iframe id="f" src="${target.replace(/"/g, '&quot;')}"></iframe>`);
  });
  await new Promise<void>((r) => attacker.listen(attackerPort, 'localhost', r));
  browser = await chromium.launch({ executablePath: requireChrome(), args: CHROME_ARGS });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((r) => attacker.close(() => r()));
  await idp.close();
  await rm(keysDir, { recursive: true, force: true });
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
  const hasForm = frame ? await frame.locator('input[name="username"]').count().catch(() => 0) : 0;
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
