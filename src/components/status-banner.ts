import { html, nothing } from 'lit';
import type { Banner, BannerAction } from '../app/screen.ts';
import { LightElement } from './light-element.ts';

export interface BannerActionDetail {
  readonly kind: BannerAction;
  readonly key: string;
}

/**
 * Status messages (errors, offline, session expired, update available) in one polite live
 * region that stays in the DOM, so screen readers announce each message as it appears.
 *
 * @fires banner-action - the banner's button (Retry, Reload to update, Dismiss…); detail {@link BannerActionDetail}
 */
export class StatusBanner extends LightElement {
  static override properties = { banners: { attribute: false } };

  banners: readonly Banner[] = [];

  override render() {
    return html`<div class="banners" role="status" aria-live="polite">
      ${this.banners.map(
        ({ tone, key, text, action }) => html`<div class="banner ${tone}" data-key=${key}>
          <p>${text}</p>
          ${action
            ? html`<button type="button" @click=${() => this.fire('banner-action', { kind: action.kind, key } satisfies BannerActionDetail)}>${action.label}</button>`
            : nothing}
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
