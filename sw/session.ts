/**
 * The session as an explicit state machine. Tokens live only in this object's memory: never in
 * storage, messages or logs (STANDARDS A7, A8). `snapshot()` is the only view that leaves the SW.
 *
 *   signed-out(reason) --/login--> signing-in --callback ok--> signed-in <--> refreshing
 *        ^                              |                        |              |
 *        +------ failure / sign-out ----+------------------------+              | network failure
 *        +----------- recovery failed / login_required ------- recovering <-----+ (or SW restart)
 */
import type { SessionSnapshot, SignedOutReason, UserProfile } from './protocol.ts';

export interface Tokens {
  readonly accessToken: string;
  /** Epoch ms. */
  readonly accessTokenExpiresAt: number;
  /** Epoch ms after which a use of the access token refreshes it first (see tokens.ts). */
  readonly refreshAt: number;
  readonly refreshToken?: string;
  readonly idToken?: string;
  readonly scopes: readonly string[];
  readonly profile: UserProfile;
  readonly lastRefreshAt: number | null;
}

export function withoutRefreshToken(t: Tokens): Tokens {
  const { refreshToken: _dropped, ...rest } = t;
  return rest;
}

export type SessionState =
  | { readonly kind: 'signed-out'; readonly reason: SignedOutReason }
  | { readonly kind: 'signing-in'; readonly previous: SignedOutReason }
  | { readonly kind: 'signed-in'; readonly tokens: Tokens }
  | { readonly kind: 'refreshing'; readonly tokens: Tokens }
  /** `tokens` kept while the access token is still usable (refresh failed on the network). */
  | { readonly kind: 'recovering'; readonly tokens?: Tokens };

export type SessionListener = (state: SessionState, previous: SessionState) => void;

export class Session {
  private current: SessionState = { kind: 'signed-out', reason: 'never-signed-in' };
  private readonly listeners = new Set<SessionListener>();

  get state(): SessionState {
    return this.current;
  }

  /** The tokens of the session, if any (signed-in, refreshing, or recovering with a live token). */
  tokens(): Tokens | undefined {
    const s = this.current;
    return s.kind === 'signed-in' || s.kind === 'refreshing' || s.kind === 'recovering' ? s.tokens : undefined;
  }

  /** The sub of the last signed-in user this instance knew, for userChanged detection. */
  lastSub: string | null = null;

  snapshot(): SessionSnapshot {
    const s = this.current;
    switch (s.kind) {
      case 'signed-out':
        return { status: 'signed-out', reason: s.reason };
      case 'signing-in':
        return { status: 'signed-out', reason: s.previous };
      case 'recovering':
        return { status: 'recovering' };
      case 'signed-in':
      case 'refreshing':
        return {
          status: 'signed-in',
          user: { ...s.tokens.profile },
          scopes: [...s.tokens.scopes],
          accessTokenExpiresAt: s.tokens.accessTokenExpiresAt,
          lastRefreshAt: s.tokens.lastRefreshAt,
        };
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

  signingIn(): void {
    const s = this.current;
    const previous = s.kind === 'signed-out' ? s.reason : s.kind === 'signing-in' ? s.previous : 'never-signed-in';
    this.set({ kind: 'signing-in', previous });
  }

  signedIn(tokens: Tokens): void {
    this.lastSub = tokens.profile.sub;
    this.set({ kind: 'signed-in', tokens });
  }

  /**
   * A refresh request is about to go out: its refresh token leaves memory first, so nothing can
   * send it a second time (rotation with reuse detection would revoke the grant).
   */
  refreshing(): void {
    const t = this.tokens();
    if (t) this.set({ kind: 'refreshing', tokens: withoutRefreshToken(t) });
  }

  recovering(tokens?: Tokens): void {
    this.set(tokens ? { kind: 'recovering', tokens } : { kind: 'recovering' });
  }

  signedOut(reason: SignedOutReason): void {
    this.set({ kind: 'signed-out', reason });
  }

  /** A sign-in that did not complete: back to where we were, unless a session exists. */
  signInFailed(): void {
    const s = this.current;
    if (s.kind === 'signing-in') this.set({ kind: 'signed-out', reason: s.previous });
  }

  private set(next: SessionState): void {
    const previous = this.current;
    this.current = next;
    for (const l of [...this.listeners]) l(next, previous);
  }
}
