import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Banner, BannerAction } from '../app/screen.ts';
import { LightElement } from './light-element.ts';

export interface BannerActionDetail {
  readonly kind: BannerAction;
  readonly key: string;
  /** The banner's `ref` (which queued delete an Undo takes back). */
  readonly ref: number | undefined;
}

/**
 * Status messages (errors, offline, session expired, update available, Undo) in one polite live
 * region that stays in the DOM, so screen readers announce each message as it appears.
 *
 * @fires banner-action - the banner's button (Retry, Reload to update, Dismiss, Undo…); detail {@link BannerActionDetail}
 * @fires focus-lost - the focused button's banner went away (an Undo ran out): focus is on the page body
 */
export class StatusBanner extends LightElement {
  static override properties = { banners: { attribute: false } };

  banners: readonly Banner[] = [];
  #hadFocus = false;

  protected override willUpdate(): void {
    this.#hadFocus = this.contains(document.activeElement);
  }

  protected override updated(): void {
    if (this.#hadFocus && !this.contains(document.activeElement)) this.fire('focus-lost');
  }

  override render() {
    return html`<div class="banners" role="status" aria-live="polite">
      ${repeat(
        this.banners,
        (b) => b.key,
        // Keyed: a button never silently becomes another banner's button under the user's focus.
        ({ tone, key, text, action, ref }) =>
          html`<div class="banner ${tone}" data-key=${key}>
            <p>${text}</p>
            ${
              action
                ? html`<button type="button" @click=${() => this.fire('banner-action', { kind: action.kind, key, ref } satisfies BannerActionDetail)}>
                    ${action.label}
                  </button>`
                : nothing
            }
          </div>`,
      )}
    </div>`;
  }
}
customElements.define('status-banner', StatusBanner);

declare global {
  interface HTMLElementTagNameMap {
    'status-banner': StatusBanner;
  }
}
