/**
 * The session as an explicit state machine. Tokens live only in this object's memory: never in
 * storage, messages or logs (STANDARDS A7, A8). `snapshot()` is the only view that leaves the SW.
 *
 *   signed-out --callback--> signed-in <--> refreshing          (a refresh that may have reached
 *       ^   ^                  |  ^              |               the IdP without an answer: the
 *       |   |   offline / IdP  |  | reachable    v               refresh token is gone)
 *       |   |   unreachable    v  |         recovering(phase) --silent/top-level callback--> signed-in
 *       |   |           signed-in(connection != ok)  |
 *       |   +---- login_required / invalid_grant ----+--- other IdP refusal ---> needs-interaction
 *       +---------------------------- Sign out (any state) -------------------------------+
 *
 * An outage never leads to signed-out: only Sign out, or the IdP saying the session is gone.
 * Each sign-in and each sign-out starts a new generation; an answer (refresh, recovery) is only
 * applied to the generation that asked for it (issue 8 finding 1).
 */
import type { DpopKey } from './dpop.ts';
import type { Connection, SessionSnapshot, SignedOutReason, UserProfile } from './protocol.ts';

export interface Tokens {
  readonly accessToken: string;
  /** The key the tokens are bound to (RFC 9449): they are sent with `DPoP` and a proof. */
  readonly dpopKey?: DpopKey;
  /** Epoch ms. */
  readonly accessTokenExpiresAt: number;
  /** Epoch ms after which a use of the access token refreshes it first (see tokens.ts). */
  readonly refreshAt: number;
  readonly refreshToken?: string;
  readonly idToken?: string;
  readonly scopes: readonly string[];
  readonly profile: UserProfile;
  readonly lastRefreshAt: number | null;
  /**
   * The refresh that made these tokens was caused by a 401 `invalid_token`: their own 401 must
   * not cause another, or an API whose clock disagrees drives unlimited rotations (finding 6).
   */
  readonly fromInvalidTokenRetry?: boolean;
}

export function withoutRefreshToken(t: Tokens): Tokens {
  const { refreshToken: _dropped, ...rest } = t;
  return rest;
}

/** Where a silent re-authentication stands (the SW cannot make frames: a page hosts the iframe). */
export type RecoveryPhase =
  /** Waiting for a page to host the hidden iframe (pages are told; a new page is offered it). */
  | { readonly step: 'needs-host' }
  /** The iframe's `/login?mode=silent` arrived; `offers` counts pages handed the same attempt. */
  | { readonly step: 'silent'; readonly offers: number }
  /** The iframe needed interaction (or third-party cookies are blocked): one top-level try is allowed. */
  | { readonly step: 'top-level-offered' }
  | { readonly step: 'top-level' }
  /** The IdP or the network is down: retried with backoff, on `online`, visibility and API calls. */
  | { readonly step: 'waiting'; readonly cause: Exclude<Connection, 'ok'> };

export type SessionState =
  | { readonly kind: 'signed-out'; readonly reason: Exclude<SignedOutReason, 'interaction-required'> }
  /** The IdP wants the user (consent, MFA, an id_token_hint we no longer hold): no automatic attempts. */
  | { readonly kind: 'needs-interaction'; readonly user: UserProfile }
  | { readonly kind: 'signed-in'; readonly tokens: Tokens; readonly connection: Connection }
  /** A refresh request is in flight; `tokens` no longer hold its refresh token. */
  | { readonly kind: 'refreshing'; readonly tokens: Tokens }
  | {
      readonly kind: 'recovering';
      readonly phase: RecoveryPhase;
      /** Who is coming back (from the tokens we lost, or the `{sub}` hint after a restart). */
      readonly user?: UserProfile;
      /** Sent as `id_token_hint` on `prompt=none`: some IdPs refuse it without one (OIDC Core §3.1.2.1). */
      readonly idToken?: string;
      /** Tokens whose access token is still usable while recovery runs. */
      readonly live?: Tokens;
    };

export type SessionListener = (state: SessionState, previous: SessionState) => void;

export class Session {
  private current: SessionState = { kind: 'signed-out', reason: 'never-signed-in' };
  private gen = 0;
  private readonly listeners = new Set<SessionListener>();

  constructor(private readonly now: () => number = Date.now) {}

  get state(): SessionState {
    return this.current;
  }

  /** Changes at every sign-in and sign-out; answers carry the generation they were asked for. */
  get generation(): number {
    return this.gen;
  }

  /** Tokens whose access token may be put on a request now (if still unexpired). */
  tokens(): Tokens | undefined {
    const s = this.current;
    if (s.kind === 'signed-in' || s.kind === 'refreshing') return s.tokens;
    return s.kind === 'recovering' ? s.live : undefined;
  }

  /** The signed-in (or returning) user, if any. */
  user(): UserProfile | undefined {
    const s = this.current;
    if (s.kind === 'signed-in' || s.kind === 'refreshing') return s.tokens.profile;
    return s.kind === 'recovering' || s.kind === 'needs-interaction' ? s.user : undefined;
  }

  snapshot(): SessionSnapshot {
    const s = this.current;
    switch (s.kind) {
      case 'signed-out':
        return { status: 'signed-out', reason: s.reason };
      case 'needs-interaction':
        return { status: 'signed-out', reason: 'interaction-required', user: { ...s.user } };
      case 'recovering':
        if (s.live) return signedIn(s.live, s.phase.step === 'waiting' ? s.phase.cause : 'ok');
        return { status: 'recovering', connection: s.phase.step === 'waiting' ? s.phase.cause : 'ok', ...(s.user ? { user: { ...s.user } } : {}) };
      case 'signed-in':
        return signedIn(s.tokens, s.connection);
      case 'refreshing':
        return signedIn(s.tokens, 'ok');
    }
  }

  onChange(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves at the next transition, or after `ms` (never rejects). */
  nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const off = this.onChange(done);
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /** A new sign-in (interactive callback): a new generation, whatever was there before. */
  started(tokens: Tokens): void {
    this.gen++;
    this.set({ kind: 'signed-in', tokens, connection: 'ok' });
  }

  /**
   * A refresh or recovery answer for generation `gen`. Applied only if the session is still that
   * generation and still waiting for exactly that (`from`); otherwise the caller drops it.
   */
  resumed(gen: number, tokens: Tokens, from: 'refreshing' | 'recovering'): boolean {
    if (gen !== this.gen || this.current.kind !== from) return false;
    this.set({ kind: 'signed-in', tokens, connection: 'ok' });
    return true;
  }

  /** A refresh request is about to go out: its refresh token leaves memory first (never sent twice). */
  refreshing(): void {
    const s = this.current;
    if (s.kind === 'signed-in') this.set({ kind: 'refreshing', tokens: withoutRefreshToken(s.tokens) });
  }

  /** A refresh could not be sent (offline, IdP unreachable): nothing was spent, the token stays. */
  postponed(connection: Exclude<Connection, 'ok'>): void {
    const s = this.current;
    if (s.kind === 'signed-in' && s.connection !== connection) this.set({ ...s, connection });
  }

  recovering(phase: RecoveryPhase, from: { user?: UserProfile; idToken?: string; live?: Tokens } = {}): void {
    const s = this.current;
    // What an earlier phase knew about the returning user is kept across phase changes.
    const known = s.kind === 'recovering' ? { user: s.user, idToken: s.idToken, live: s.live } : {};
    const merged = { ...known, ...from };
    const live = merged.live !== undefined && merged.live.accessTokenExpiresAt > this.now() ? merged.live : undefined;
    this.set({
      kind: 'recovering',
      phase,
      ...(merged.user ? { user: merged.user } : {}),
      ...(merged.idToken !== undefined ? { idToken: merged.idToken } : {}),
      ...(live ? { live } : {}),
    });
  }

  needsInteraction(user: UserProfile): void {
    this.gen++;
    this.set({ kind: 'needs-interaction', user });
  }

  signedOut(reason: Exclude<SignedOutReason, 'interaction-required'>): void {
    this.gen++;
    this.set({ kind: 'signed-out', reason });
  }

  private set(next: SessionState): void {
    const previous = this.current;
    this.current = next;
    for (const l of [...this.listeners]) l(next, previous);
  }
}

function signedIn(t: Tokens, connection: Connection): SessionSnapshot {
  return {
    status: 'signed-in',
    user: { ...t.profile },
    scopes: [...t.scopes],
    accessTokenExpiresAt: t.accessTokenExpiresAt,
    lastRefreshAt: t.lastRefreshAt,
    connection,
  };
}
