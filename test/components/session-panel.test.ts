import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/session-panel.ts';
import type { SessionPanel } from '../../src/components/session-panel.ts';
import type { VaultStatus } from '../../src/app/vault-port.ts';
import { useAppCss } from './helpers.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const signedIn: VaultStatus = {
  kind: 'ready',
  swInstanceId: 'sw-7f3a',
  session: {
    status: 'signed-in',
    user: { sub: 'alice-sub', name: 'Alice Example', email: 'alice@example.test' },
    scopes: ['openid', 'todos:read', 'todos:write'],
    accessTokenExpiresAt: NOW + 245_000,
    lastRefreshAt: NOW - 35_000,
    connection: 'ok',
  },
};

async function panel(status: VaultStatus | null, open = true): Promise<SessionPanel> {
  const el = await fixture<SessionPanel>(html`<session-panel .status=${status} .now=${() => NOW}></session-panel>`);
  el.querySelector('details')!.open = open;
  await el.updateComplete;
  return el;
}

/** The panel as term -> description. */
function rows(el: Element): Record<string, string> {
  const out: Record<string, string> = {};
  for (const div of el.querySelectorAll('dl > div')) {
    const dd = div.querySelector('dd')!;
    const items = [...dd.querySelectorAll('li')].map((li) => li.textContent);
    out[div.querySelector('dt')!.textContent!.trim()] = items.length ? items.join(' ') : dd.textContent!.replace(/\s+/g, ' ').trim();
  }
  return out;
}

describe('session-panel', () => {
  before(useAppCss);

  describe('closed', () => {
    it('is accessible', async () => {
      await expect(await panel(signedIn, false)).to.be.accessible();
    });

    it('opens from the keyboard (Enter on "Session details")', async () => {
      const el = await panel(signedIn, false);
      el.querySelector('summary')!.focus();
      await sendKeys({ press: 'Enter' });
      expect(el.querySelector('details')!.open).to.equal(true);
    });
  });

  describe('starting', () => {
    it('is accessible', async () => {
      await expect(await panel({ kind: 'starting' })).to.be.accessible();
    });

    it('says the service worker is starting', async () => {
      expect(rows(await panel({ kind: 'starting' }))).to.deep.equal({ 'Service worker': 'starting' });
    });
  });

  describe('unavailable', () => {
    it('is accessible', async () => {
      await expect(await panel({ kind: 'unavailable', reason: 'blocked' })).to.be.accessible();
    });

    it('names the reason', async () => {
      expect(rows(await panel({ kind: 'unavailable', reason: 'blocked' }))).to.deep.equal({ 'Service worker': 'unavailable (blocked)' });
    });
  });

  describe('signed out', () => {
    const s: VaultStatus = { kind: 'ready', swInstanceId: 'sw-1', session: { status: 'signed-out', reason: 'session-expired' } };
    it('is accessible', async () => {
      await expect(await panel(s)).to.be.accessible();
    });

    it('shows why there is no session', async () => {
      expect(rows(await panel(s))['Session']).to.equal('signed out (session-expired)');
    });
  });

  describe('recovering', () => {
    const s: VaultStatus = { kind: 'ready', swInstanceId: 'sw-2', session: { status: 'recovering', connection: 'ok' } };
    it('is accessible', async () => {
      await expect(await panel(s)).to.be.accessible();
    });

    it('says the worker is recovering the session', async () => {
      expect(rows(await panel(s))['Service worker']).to.equal('active, recovering the session');
    });
  });

  describe('signed in', () => {
    it('is accessible', async () => {
      await expect(await panel(signedIn)).to.be.accessible();
    });

    it('shows the user, scopes, expiry countdown, last refresh and worker instance', async () => {
      expect(rows(await panel(signedIn))).to.deep.equal({
        'Service worker': 'active',
        'Worker instance': 'sw-7f3a',
        User: 'Alice Example <alice@example.test> (sub alice-sub)',
        Scopes: 'openid todos:read todos:write',
        'Access token expires': 'in 4 min 05 s',
        'Last silent refresh': '35 s ago',
      });
    });

    it('says when no silent refresh happened yet', async () => {
      const s = { ...signedIn, session: { ...signedIn.session, lastRefreshAt: null } } as VaultStatus;
      expect(rows(await panel(s))['Last silent refresh']).to.equal('none yet');
    });

    it('says how long ago an access token expired', async () => {
      const s = { ...signedIn, session: { ...signedIn.session, accessTokenExpiresAt: NOW - 10_000 } } as VaultStatus;
      expect(rows(await panel(s))['Access token expires']).to.equal('10 s ago (renewed on next use)');
    });
  });
});
