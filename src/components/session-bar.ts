import { html, nothing } from 'lit';
import type { BarView } from '../app/screen.ts';
import { LightElement } from './light-element.ts';

/**
 * Who is signed in, with the one "Sign in" link or "Sign out" button.
 * Sign in is a plain link: the service worker answers `/login` (issue 3 item 1).
 *
 * @fires sign-out - the user asked to sign out
 */
export class SessionBar extends LightElement {
  static override properties = {
    view: { attribute: false },
    signInHref: { attribute: 'sign-in-href' },
  };

  view: BarView = { kind: 'hidden' };
  signInHref = '/login';

  override render() {
    const v = this.view;
    if (v.kind === 'hidden') return nothing;
    if (v.kind === 'signed-out') return html`<a class="button primary" href=${this.signInHref}>Sign in</a>`;
    const who = v.user.name ?? v.user.email ?? 'Signed in';
    return html`<span class="user" title=${v.user.email ?? nothing}>${who}</span> <button type="button" @click=${this.#onSignOut}>Sign out</button>`;
  }

  #onSignOut() {
    this.fire('sign-out');
  }
}
customElements.define('session-bar', SessionBar);

declare global {
  interface HTMLElementTagNameMap {
    'session-bar': SessionBar;
  }
}
