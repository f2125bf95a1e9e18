import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/status-banner.ts';
import type { StatusBanner } from '../../src/components/status-banner.ts';
import type { Banner } from '../../src/app/screen.ts';
import { findRole, useAppCss } from './helpers.ts';

function banner(banners: Banner[]): Promise<StatusBanner> {
  return fixture<StatusBanner>(html`<status-banner .banners=${banners}></status-banner>`);
}

const retry: Banner = { key: 'load-error', tone: 'error', text: 'The todo service had a problem.', action: { kind: 'retry', label: 'Retry' } };
const update: Banner = {
  key: 'update',
  tone: 'info',
  text: 'A new version of the app is available.',
  action: { kind: 'update', label: 'Reload to update' },
};
const offline: Banner = { key: 'offline', tone: 'warning', text: 'You are offline.' };

describe('status-banner', () => {
  before(useAppCss);

  describe('no messages', () => {
    it('is accessible', async () => {
      await expect(await banner([])).to.be.accessible();
    });

    it('keeps an empty polite live region in the DOM, ready to announce', async () => {
      const el = await banner([]);
      const region = el.querySelector('[role=status]')!;
      expect(region.getAttribute('aria-live')).to.equal('polite');
      expect(region.textContent.trim()).to.equal('');
    });
  });

  for (const b of [retry, update, offline]) {
    describe(`${b.tone} message (${b.key})`, () => {
      it('is accessible', async () => {
        await expect(await banner([b])).to.be.accessible();
      });

      it('shows the text inside the live region', async () => {
        const el = await banner([b]);
        expect(el.querySelector('[role=status] p')!.textContent).to.equal(b.text);
      });
    });
  }

  describe('several messages', () => {
    it('is accessible', async () => {
      await expect(await banner([update, offline, retry])).to.be.accessible();
    });

    it('shows them in order', async () => {
      const el = await banner([update, offline, retry]);
      expect([...el.querySelectorAll('.banner')].map((n) => n.getAttribute('data-key'))).to.deep.equal(['update', 'offline', 'load-error']);
    });
  });

  it('fires banner-action with the action and the message key', async () => {
    const el = await banner([offline, retry]);
    const event = oneEvent(el, 'banner-action');
    el.querySelector('button')!.click();
    expect((await event).detail).to.deep.equal({ kind: 'retry', key: 'load-error', ref: undefined });
  });

  it('"Reload to update" works from the keyboard', async () => {
    const el = await banner([update]);
    el.querySelector('button')!.focus();
    expect(await findRole('button', 'Reload to update')).to.include({ focused: true });
    const event = oneEvent(el, 'banner-action');
    await sendKeys({ press: 'Enter' });
    expect((await event).detail).to.deep.equal({ kind: 'update', key: 'update', ref: undefined });
  });

  describe('Undo (issue 9 item 6)', () => {
    const undo = (seq: number, title: string): Banner => ({
      key: `undo-${seq}`,
      tone: 'info',
      text: `Deleted “${title}”.`,
      action: { kind: 'undo', label: 'Undo' },
      ref: seq,
    });

    it('is accessible', async () => {
      await expect(await banner([undo(3, 'Buy milk')])).to.be.accessible();
    });

    it('says which delete it takes back', async () => {
      const el = await banner([undo(3, 'Buy milk'), undo(4, 'Call mum')]);
      const event = oneEvent(el, 'banner-action');
      el.querySelectorAll('button')[1]!.click();
      expect((await event).detail).to.deep.equal({ kind: 'undo', key: 'undo-4', ref: 4 });
    });

    it('when the focused Undo goes away, says focus was lost (so the app can move it somewhere safe)', async () => {
      const el = await banner([undo(3, 'Buy milk'), offline]);
      el.querySelector('button')!.focus();
      const lost = oneEvent(el, 'focus-lost');
      el.banners = [offline];
      await lost;
      expect(document.activeElement === document.body, 'focus on the body').to.equal(true);
    });

    it('a button is never handed to another message under the user’s focus', async () => {
      const el = await banner([undo(3, 'Buy milk'), undo(4, 'Call mum')]);
      const second = el.querySelectorAll('button')[1]!;
      second.focus();
      el.banners = [undo(4, 'Call mum')];
      await el.updateComplete;
      expect(document.activeElement === second, 'focus stays on the same button').to.equal(true);
      expect(second.closest('.banner')!.getAttribute('data-key')).to.equal('undo-4');
    });
  });
});
