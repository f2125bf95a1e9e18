import { assert, expect } from '@open-wc/testing';
import type { AuthErrorCode } from '../../sw/protocol.ts';
import type { TodoApp } from '../../src/components/todo-app.ts';
import { app, bannerText, freshPage, listed, text, until } from './app-fixture.ts';
import { FakeApi } from './fake-api.ts';
import { ALICE, FakeVault, findRole, ready, rolesNamed, todo, useAppCss } from './helpers.ts';

describe('todo-app', () => {
  before(useAppCss);
  beforeEach(freshPage);

  describe('starting', () => {
    it('is accessible', async () => {
      await expect(await app(new FakeVault({ kind: 'starting' }))).to.be.accessible();
    });

    it('says it is starting, with no sign-in controls yet', async () => {
      const el = await app(new FakeVault({ kind: 'starting' }));
      expect(text(el.querySelector('main')!)).to.include('Starting…');
      expect(await rolesNamed('link')).to.not.include('Sign in');
    });

    it('shows starting before the vault is injected', async () => {
      const el = await app(undefined);
      expect(text(el.querySelector('main')!)).to.include('Starting…');
    });
  });

  describe('service workers unavailable', () => {
    it('is accessible', async () => {
      await expect(await app(new FakeVault({ kind: 'unavailable', reason: 'blocked' }))).to.be.accessible();
    });

    it('explains plainly instead of spinning', async () => {
      const el = await app(new FakeVault({ kind: 'unavailable', reason: 'blocked' }));
      await until(() => text(el).includes('private windows'), 'explained');
      expect(el.querySelector('[aria-busy=true]')).to.equal(null);
    });

    it('offers Reload when the worker failed to start', async () => {
      await app(new FakeVault({ kind: 'unavailable', reason: 'failed' }));
      assert.exists(await findRole('button', 'Reload'));
    });
  });

  describe('signed out', () => {
    const out = () => new FakeVault(ready({ status: 'signed-out', reason: 'never-signed-in' }));

    it('is accessible', async () => {
      await expect(await app(out())).to.be.accessible();
    });

    it('explains and offers one "Sign in" link from the vault', async () => {
      const el = await app(out());
      expect(await rolesNamed('link')).to.deep.equal(['Sign in']);
      expect(el.querySelector('session-bar a')!.getAttribute('href')).to.equal('/login?returnTo=%2Ftodos%3Ffilter%3Dopen');
      expect(text(el)).to.include('Sign in to see, add and tick off your todos');
    });

    it('does not call the API', async () => {
      const api = new FakeApi();
      await app(out(), api);
      expect(api.calls.list).to.equal(0);
    });
  });

  describe('session expired', () => {
    const expired = () => new FakeVault(ready({ status: 'signed-out', reason: 'session-expired' }));

    it('is accessible', async () => {
      await expect(await app(expired())).to.be.accessible();
    });

    it('says so and offers Sign in (keeping the route)', async () => {
      const el = await app(expired());
      expect(bannerText(el)).to.include('Your session has expired. Sign in again to pick up where you left off.');
      expect(await rolesNamed('link')).to.deep.equal(['Sign in']);
    });

    it('follows a 401 that reached the page', async () => {
      const api = new FakeApi();
      api.failNext.list = 'unauthorized';
      const el = await app(new FakeVault(), api);
      await until(() => !!el.querySelector('session-bar a'), 'Sign in shown');
      expect(bannerText(el)).to.include('Your session has expired. Sign in again to pick up where you left off.');
    });
  });

  describe('auth_error from the callback', () => {
    // The sentences as a user must read them, written out here (not taken from the app's table).
    const sentences = [
      ['access_denied', 'Sign-in was cancelled. You can sign in again whenever you are ready.'],
      ['login_required', 'You are no longer signed in. Please sign in again.'],
      ['interaction_required', 'The sign-in page needs a little more from you. Please sign in again.'],
      ['state_mismatch', 'That sign-in attempt had expired or was already used, so it was stopped. Please sign in again.'],
      ['issuer_mismatch', 'The sign-in answer came from an unexpected server, so it was ignored. Please sign in again.'],
      ['bad_callback', 'The sign-in answer was incomplete, so it was ignored. Please sign in again.'],
      ['token_exchange_failed', 'The sign-in service did not finish signing you in. Please try again.'],
      ['id_token_invalid', 'The sign-in answer could not be verified, so it was ignored. Please try again.'],
      ['idp_unreachable', 'The sign-in service could not be reached. Check your connection and try again.'],
      ['idp_error', 'The sign-in service reported a problem. Please try again in a moment.'],
      ['config_invalid', 'This app is not set up correctly, so signing in is not possible right now.'],
      [
        'insecure_deployment',
        'Signing in is switched off: this site is served without the security headers that keep your sign-in safe. If you run this site, serve it with the headers `npm run headers` writes (README, "Deploying").',
      ],
    ] as const satisfies readonly (readonly [AuthErrorCode, string])[];
    // A code the callback can leave without a line above fails to compile.
    const _complete: Exclude<AuthErrorCode, (typeof sentences)[number][0]> extends never ? true : never = true;
    for (const [code, sentence] of sentences) {
      it(`shows ${code} as a sentence, accessibly`, async () => {
        const vault = new FakeVault(ready({ status: 'signed-out', reason: 'never-signed-in' }));
        vault.authError = code;
        const el = await app(vault);
        // The sentences arrive with their own chunk, a moment after the first render.
        await until(() => bannerText(el).includes(sentence), `"${sentence}" shown`);
        expect(text(el)).to.not.include(code);
        await expect(el).to.be.accessible();
      });
    }
  });

  describe('recovering the session', () => {
    const recovering = () => new FakeVault(ready({ status: 'recovering', connection: 'ok' }));

    it('is accessible', async () => {
      await expect(await app(recovering())).to.be.accessible();
    });

    it('shows a skeleton saying the session is being restored', async () => {
      const el = await app(recovering());
      assert.exists(el.querySelector('.skeleton'));
      expect(text(el.querySelector('main')!)).to.include('Restoring your session…');
    });

    it('loads the list once the session is back', async () => {
      const vault = recovering();
      const api = new FakeApi([todo('Buy milk')]);
      const el = await app(vault, api);
      vault.emit('status', ready(ALICE));
      await listed(el);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
    });
  });

  describe('loading', () => {
    it('is accessible', async () => {
      const api = new FakeApi();
      api.hold.list = true;
      await expect(await app(new FakeVault(), api)).to.be.accessible();
    });

    it('shows a skeleton while the list loads', async () => {
      const api = new FakeApi();
      api.hold.list = true;
      const el = await app(new FakeVault(), api);
      assert.exists(el.querySelector('.skeleton'));
      expect(text(el.querySelector('main')!)).to.include('Loading your todos…');
    });
  });

  describe('update available', () => {
    it('is accessible', async () => {
      const vault = new FakeVault();
      const el = await app(vault);
      vault.emit('updateAvailable', undefined);
      await until(() => bannerText(el).length > 0, 'banner');
      await expect(el).to.be.accessible();
    });

    it('"Reload to update" asks the vault to apply the update', async () => {
      const vault = new FakeVault();
      const el = await app(vault);
      vault.emit('updateAvailable', undefined);
      await until(() => !!el.querySelector('.banner button'), 'button');
      assert.exists(await findRole('button', 'Reload to update'));
      el.querySelector<HTMLButtonElement>('.banner button')!.click();
      expect(vault.updateCalls).to.equal(1);
    });
  });

  describe('signing out', () => {
    it('Sign out asks the vault and shows progress', async () => {
      const vault = new FakeVault();
      const el = await app(vault);
      await listed(el);
      el.querySelector<HTMLButtonElement>('session-bar button')!.click();
      await until(() => text(el).includes('Signing you out…'), 'progress');
      expect(vault.signOutCalls).to.equal(1);
      await expect(el).to.be.accessible();
    });

    it('a failed sign-out says so and keeps the user signed in', async () => {
      const vault = new FakeVault();
      vault.signOutError = new Error('timeout');
      const el = await app(vault);
      await listed(el);
      el.querySelector<HTMLButtonElement>('session-bar button')!.click();
      await until(() => bannerText(el).length > 0, 'message');
      expect(bannerText(el)).to.deep.equal(['Signing out did not work. Please try again.']);
      assert.exists(await findRole('button', 'Sign out'));
    });

    it('sign-out in another tab shows signed out without a reload', async () => {
      const vault = new FakeVault();
      const el = await app(vault, new FakeApi([todo('Buy milk')]));
      await listed(el);
      vault.emit('status', ready({ status: 'signed-out', reason: 'signed-out' }));
      await until(() => !el.querySelector('todo-list'), 'list gone');
      expect(await rolesNamed('link')).to.deep.equal(['Sign in']);
      expect(await rolesNamed('checkbox')).to.deep.equal([]);
    });
  });

  describe('header (issue 9: it does not jump)', () => {
    const height = (el: TodoApp) => el.querySelector('header')!.getBoundingClientRect().height;

    it('keeps its height from "Starting…" to signed out, reconnecting and signed in', async () => {
      const vault = new FakeVault({ kind: 'starting' });
      const el = await app(vault, new FakeApi());
      const starting = height(el);
      for (const s of [
        ready({ status: 'signed-out', reason: 'never-signed-in' }),
        ready(ALICE),
        ready({ status: 'recovering', connection: 'ok' }),
        ready(ALICE),
      ]) {
        vault.emit('status', s);
        await el.updateComplete;
        expect(height(el), JSON.stringify(s)).to.equal(starting);
      }
    });

    it('reconnecting keeps who is signed in, and Sign out', async () => {
      const vault = new FakeVault();
      const el = await app(vault, new FakeApi([todo('Buy milk')]));
      await listed(el);
      vault.emit('status', ready({ status: 'recovering', connection: 'ok' }));
      await el.updateComplete;
      expect(el.querySelector('session-bar .user')!.textContent).to.equal('Alice Example');
      assert.exists(await findRole('button', 'Sign out'));
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
      await expect(el).to.be.accessible();
    });
  });

  describe('Session details (issue 9)', () => {
    it('shows, collapsed, for a signed-in user', async () => {
      const el = await app(new FakeVault());
      await until(() => !!el.querySelector('session-panel details'), 'panel shown');
      expect(el.querySelector('session-panel details')!.hasAttribute('open')).to.equal(false);
      await expect(el).to.be.accessible();
    });

    for (const [name, status] of [
      ['signed out', ready({ status: 'signed-out', reason: 'signed-out' })],
      ['reconnecting', ready({ status: 'recovering', connection: 'ok' })],
      ['starting', { kind: 'starting' }],
    ] as const) {
      it(`is not there ${name}`, async () => {
        const el = await app(new FakeVault(status));
        await el.updateComplete;
        expect(el.querySelector('session-panel')).to.equal(null);
        expect(await findRole('group', 'Session details')).to.equal(undefined);
      });
    }
  });
});
