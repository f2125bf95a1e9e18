import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { VaultStatus } from '../app/vault-port.ts';
import { LightElement } from './light-element.ts';

/** "4 min 05 s" */
function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const m = Math.floor(s / 60);
  return m ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/**
 * Collapsible developer view of the session: user, scopes, access-token expiry countdown, last
 * silent refresh, service-worker state. Only what the SW may tell the page (issue 3 item 8):
 * there is no token to show, and nothing here could hold one.
 */
@customElement('session-panel')
export class SessionPanel extends LightElement {
  @property({ attribute: false }) status: VaultStatus | null = null;
  /** The clock, injectable so tests freeze it. */
  @property({ attribute: false }) now: () => number = () => Date.now();
  private _timer: ReturnType<typeof setInterval> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stopTicking();
  }

  override render() {
    return html`<details class="session-panel" @toggle=${this._onToggle}>
      <summary>Session details</summary>
      <dl>${this._rows()}</dl>
    </details>`;
  }

  private _rows() {
    const s = this.status;
    const row = (term: string, value: unknown) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`;
    if (!s || s.kind === 'starting') return row('Service worker', 'starting');
    if (s.kind === 'unavailable') return row('Service worker', `unavailable (${s.reason})`);
    const session = s.session;
    const sw = row('Service worker', session.status === 'recovering' ? 'active, recovering the session' : 'active');
    const instance = row('Worker instance', s.swInstanceId);
    if (session.status !== 'signed-in') {
      return [sw, instance, row('Session', session.status === 'recovering' ? 'recovering' : `signed out (${session.reason})`)];
    }
    const now = this.now();
    const left = session.accessTokenExpiresAt - now;
    const u = session.user;
    return [
      sw,
      instance,
      row('User', html`${u.name ?? u.sub}${u.email ? html` &lt;${u.email}&gt;` : nothing} <span class="muted">(sub ${u.sub})</span>`),
      row('Scopes', session.scopes.length ? html`<ul class="scopes">${session.scopes.map((x) => html`<li>${x}</li>`)}</ul>` : 'none'),
      row('Access token expires', left > 0 ? `in ${span(left)}` : `${span(left)} ago (renewed on next use)`),
      row('Last silent refresh', session.lastRefreshAt === null ? 'none yet' : `${span(now - session.lastRefreshAt)} ago`),
    ];
  }

  private _onToggle(e: Event) {
    // Tick only while open: a closed panel costs nothing.
    if ((e.target as HTMLDetailsElement).open) {
      this._stopTicking();
      this._timer = setInterval(() => this.requestUpdate(), 1000);
      this.requestUpdate();
    } else this._stopTicking();
  }

  private _stopTicking() {
    clearInterval(this._timer);
    this._timer = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'session-panel': SessionPanel;
  }
}
