import { html, nothing } from 'lit';
import type { VaultStatus } from '../app/vault-port.ts';
import { LightElement } from './light-element.ts';

/** "4 min 05 s" */
function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const m = Math.floor(s / 60);
  return m ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

const row = (term: string, value: unknown) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`;

/**
 * Collapsible developer view of the session: user, scopes, access-token expiry countdown, last
 * silent refresh, service-worker state. Only what the SW may tell the page (issue 3 item 8):
 * there is no token to show, and nothing here could hold one.
 */
export class SessionPanel extends LightElement {
  static override properties = {
    status: { attribute: false },
    now: { attribute: false },
  };

  status: VaultStatus | null = null;
  /** The clock, injectable so tests freeze it. */
  now: () => number = Date.now;
  #timer: ReturnType<typeof setInterval> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  override render() {
    return html`<details class="session-panel" @toggle=${this.#onToggle}>
      <summary>Session details</summary>
      <dl>${this.#rows()}</dl>
    </details>`;
  }

  #rows() {
    const s = this.status;
    const SW = 'Service worker';
    if (!s || s.kind === 'starting') return row(SW, 'starting');
    if (s.kind === 'unavailable') return row(SW, `unavailable (${s.reason})`);
    const session = s.session;
    const recovering = session.status === 'recovering';
    const head = [row(SW, recovering ? 'active, recovering the session' : 'active'), row('Worker instance', s.swInstanceId)];
    if (session.status !== 'signed-in') return [...head, row('Session', recovering ? 'recovering' : `signed out (${session.reason})`)];
    const now = this.now();
    const left = session.accessTokenExpiresAt - now;
    const u = session.user;
    return [
      ...head,
      row('User', html`${u.name ?? u.sub}${u.email ? html` &lt;${u.email}&gt;` : nothing} <span class="muted">(sub ${u.sub})</span>`),
      row('Scopes', session.scopes.length ? html`<ul class="scopes">${session.scopes.map((x) => html`<li>${x}</li>`)}</ul>` : 'none'),
      row('Access token expires', left > 0 ? `in ${span(left)}` : `${span(left)} ago (renewed on next use)`),
      row('Last silent refresh', session.lastRefreshAt === null ? 'none yet' : `${span(now - session.lastRefreshAt)} ago`),
    ];
  }

  #onToggle(e: Event) {
    // Tick only while open: a closed panel costs nothing.
    clearInterval(this.#timer);
    if ((e.target as HTMLDetailsElement).open) {
      this.#timer = setInterval(() => this.requestUpdate(), 1000);
      this.requestUpdate();
    }
  }
}
customElements.define('session-panel', SessionPanel);

declare global {
  interface HTMLElementTagNameMap {
    'session-panel': SessionPanel;
  }
}
