import { html, nothing } from 'lit';
import type { VaultStatus } from '../app/vault-port.ts';
import { LightElement } from './light-element.ts';

/** "just now", "5 minutes ago", "2 hours ago": what a person means by recently. */
function ago(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return 'less than a minute ago';
  if (min < 60) return min === 1 ? '1 minute ago' : `${min} minutes ago`;
  const h = Math.floor(min / 60);
  return h === 1 ? '1 hour ago' : `${h} hours ago`;
}

function allows(scopes: readonly string[]): string {
  const write = scopes.includes('todos:write');
  if (scopes.includes('todos:read')) return write ? 'See and change your todos' : 'Only see your todos';
  return write ? 'Only change your todos' : 'Nothing with your todos';
}

const row = (term: string, value: unknown) =>
  html`<div>
    <dt>${term}</dt>
    <dd>${value}</dd>
  </div>`;

/**
 * "Session details", collapsed, for signed-in users only (issue 9): who is signed in, what the
 * sign-in allows and that it renews itself, in plain words. Only what the SW may tell the page
 * (issue 3 item 8): there is no token to show, and nothing here could hold one.
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
    const s = this.status;
    if (s?.kind !== 'ready' || s.session.status !== 'signed-in') return nothing;
    const { user, scopes, lastRefreshAt } = s.session;
    return html`<details class="session-panel" @toggle=${this.#onToggle}>
      <summary>Session details</summary>
      <dl>
        ${row('Signed in as', html`${user.name ?? user.email ?? 'you'}${user.name && user.email ? html` (${user.email})` : nothing}`)}
        ${row('This sign-in can', allows(scopes))}
        ${row('Staying signed in', lastRefreshAt === null ? 'Renewed by itself when needed' : `Renewed by itself, last ${ago(this.now() - lastRefreshAt)}`)}
        ${row('Where it is kept', 'In a protected part of the app in this browser (a service worker). The page itself never handles your sign-in.')}
      </dl>
    </details>`;
  }

  #onToggle(e: Event) {
    // Tick only while open, and only as often as the words can change.
    clearInterval(this.#timer);
    if ((e.target as HTMLDetailsElement).open) this.#timer = setInterval(() => this.requestUpdate(), 30_000);
  }
}
customElements.define('session-panel', SessionPanel);

declare global {
  interface HTMLElementTagNameMap {
    'session-panel': SessionPanel;
  }
}
