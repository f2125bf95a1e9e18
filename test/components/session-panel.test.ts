import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/session-panel.ts';
import type { SessionPanel } from '../../src/components/session-panel.ts';
import type { VaultStatus } from '../../src/app/vault-port.ts';
import type { SessionSnapshot } from '../../sw/protocol.ts';
import { useAppCss } from './helpers.ts';

type SignedIn = Extract<SessionSnapshot, { status: 'signed-in' }>;

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const ALICE: SignedIn = {
  status: 'signed-in',
  user: { sub: 'alice-sub', name: 'Alice Example', email: 'alice@example.test' },
  scopes: ['openid', 'todos:read', 'todos:write'],
  accessTokenExpiresAt: NOW + 245_000,
  lastRefreshAt: NOW - 35_000,
  connection: 'ok',
};
const ready = (session: SignedIn): VaultStatus => ({ kind: 'ready', swInstanceId: 'sw-7f3a', session });
const signedIn = ready(ALICE);
const withSession = (patch: Partial<SignedIn>): VaultStatus => ready({ ...ALICE, ...patch });

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
    out[div.querySelector('dt')!.textContent.trim()] = items.length ? items.join(' ') : dd.textContent.replace(/\s+/g, ' ').trim();
  }
  return out;
}

describe('session-panel', () => {
  before(useAppCss);

  describe('closed (as it starts)', () => {
    it('is accessible', async () => {
      await expect(await panel(signedIn, false)).to.be.accessible();
    });

    it('starts collapsed', async () => {
      const el = await fixture<SessionPanel>(html`<session-panel .status=${signedIn}></session-panel>`);
      expect(el.querySelector('details')!.open).to.equal(false);
    });

    it('opens from the keyboard (Enter on "Session details")', async () => {
      const el = await panel(signedIn, false);
      el.querySelector('summary')!.focus();
      await sendKeys({ press: 'Enter' });
      expect(el.querySelector('details')!.open).to.equal(true);
    });
  });

  describe('only for a signed-in user (issue 9)', () => {
    const cases: [string, VaultStatus | null][] = [
      ['no status yet', null],
      ['starting', { kind: 'starting' }],
      ['unavailable', { kind: 'unavailable', reason: 'blocked' }],
      ['signed out', { kind: 'ready', swInstanceId: 'sw-1', session: { status: 'signed-out', reason: 'session-expired' } }],
      ['recovering', { kind: 'ready', swInstanceId: 'sw-2', session: { status: 'recovering', connection: 'ok' } }],
    ];
    for (const [name, status] of cases) {
      it(`${name}: shows nothing`, async () => {
        const el = await fixture<SessionPanel>(html`<session-panel .status=${status}></session-panel>`);
        expect(el.childElementCount).to.equal(0);
      });
    }
  });

  describe('signed in, open', () => {
    it('is accessible', async () => {
      await expect(await panel(signedIn)).to.be.accessible();
    });

    it('says who, what the sign-in allows and that it renews itself, in plain words', async () => {
      expect(rows(await panel(signedIn))).to.deep.equal({
        'Signed in as': 'Alice Example (alice@example.test)',
        'This sign-in can': 'See and change your todos',
        'Staying signed in': 'Renewed by itself, last less than a minute ago',
        'Where it is kept': 'In a protected part of the app in this browser (a service worker). The page itself never handles your sign-in.',
      });
    });

    it('no worker id, token expiry countdown, scope names or subject id', async () => {
      const words = (await panel(signedIn)).textContent;
      for (const debug of ['sw-7f3a', 'expires', 'todos:write', 'alice-sub', ' s ago']) expect(words).to.not.include(debug);
    });

    it('a read-only sign-in says so', async () => {
      expect(rows(await panel(withSession({ scopes: ['openid', 'todos:read'] })))['This sign-in can']).to.equal('Only see your todos');
    });

    it('before the first renewal', async () => {
      expect(rows(await panel(withSession({ lastRefreshAt: null })))['Staying signed in']).to.equal('Renewed by itself when needed');
    });

    it('counts in minutes and hours, not seconds', async () => {
      expect(rows(await panel(withSession({ lastRefreshAt: NOW - 5 * 60_000 - 30_000 })))['Staying signed in']).to.equal(
        'Renewed by itself, last 5 minutes ago',
      );
      expect(rows(await panel(withSession({ lastRefreshAt: NOW - 2 * 3_600_000 })))['Staying signed in']).to.equal(
        'Renewed by itself, last 2 hours ago',
      );
    });
  });
});
