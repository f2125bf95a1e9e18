import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
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
@customElement('status-banner')
export class StatusBanner extends LightElement {
  @property({ attribute: false }) banners: readonly Banner[] = [];

  override render() {
    return html`<div class="banners" role="status" aria-live="polite">
      ${this.banners.map(
        (b) => html`<div class="banner ${b.tone}" data-key=${b.key}>
          <p>${b.text}</p>
          ${b.action ? html`<button type="button" @click=${() => this._act(b)}>${b.action.label}</button>` : nothing}
        </div>`,
      )}
    </div>`;
  }

  private _act(b: Banner) {
    if (!b.action) return;
    this.dispatchEvent(new CustomEvent<BannerActionDetail>('banner-action', { bubbles: true, detail: { kind: b.action.kind, key: b.key } }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'status-banner': StatusBanner;
  }
}
