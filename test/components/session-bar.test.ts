import { assert, expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/session-bar.ts';
import type { SessionBar } from '../../src/components/session-bar.ts';
import type { BarView } from '../../src/app/screen.ts';
import { findRole, record, rolesNamed, useAppCss } from './helpers.ts';

const signedIn: BarView = { kind: 'signed-in', user: { sub: 'a1', name: 'Alice Example', email: 'alice@example.test' } };

function bar(view: BarView): Promise<SessionBar> {
  return fixture<SessionBar>(html`<session-bar .view=${view} sign-in-href="/login?returnTo=%2Fwork"></session-bar>`);
}

describe('session-bar', () => {
  before(useAppCss);

  describe('hidden (starting, signing out)', () => {
    it('is accessible', async () => {
      await expect(await bar({ kind: 'hidden' })).to.be.accessible();
    });

    it('offers neither Sign in nor Sign out', async () => {
      await bar({ kind: 'hidden' });
      expect(await rolesNamed('link')).to.not.include('Sign in');
      expect(await rolesNamed('button')).to.not.include('Sign out');
    });
  });

  describe('signed out', () => {
    it('is accessible', async () => {
      await expect(await bar({ kind: 'signed-out' })).to.be.accessible();
    });

    it('has one link "Sign in" to the given href (the SW answers /login)', async () => {
      const el = await bar({ kind: 'signed-out' });
      expect(await rolesNamed('link')).to.deep.equal(['Sign in']);
      expect(el.querySelector('a')!.getAttribute('href')).to.equal('/login?returnTo=%2Fwork');
    });
  });

  describe('signed in', () => {
    it('is accessible', async () => {
      await expect(await bar(signedIn)).to.be.accessible();
    });

    it("shows the user's name and a Sign out button", async () => {
      const el = await bar(signedIn);
      expect(el.querySelector('.user')!.textContent).to.equal('Alice Example');
      assert.exists(await findRole('button', 'Sign out'));
    });

    it('falls back to the email when there is no name', async () => {
      const el = await bar({ kind: 'signed-in', user: { sub: 'b1', email: 'bob@example.test' } });
      expect(el.querySelector('.user')!.textContent).to.equal('bob@example.test');
    });

    it('fires sign-out once on click', async () => {
      const el = await bar(signedIn);
      const events = record(el, 'sign-out');
      el.querySelector('button')!.click();
      await el.updateComplete;
      expect(events.length).to.equal(1);
    });

    it('fires sign-out once from the keyboard (Enter on the focused button)', async () => {
      const el = await bar(signedIn);
      el.querySelector('button')!.focus();
      const events = record(el, 'sign-out');
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(events.length).to.equal(1);
    });
  });
});
