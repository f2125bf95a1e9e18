/**
 * Coming back after the SW lost its tokens (stopped when idle, replaced by an update) or its
 * refresh token (a refresh that may have reached the IdP without an answer): silent
 * re-authentication with `prompt=none` in a hidden same-origin iframe a page hosts (the SW cannot
 * make frames), then, if the iframe needs interaction (also what blocked third-party cookies look
 * like), one guarded top-level `prompt=none` navigation. The phases live in the session state
 * (session.ts `RecoveryPhase`); this class moves between them and owns their timers.
 *
 * An outage never ends it: an unreachable IdP or network is retried with backoff (and at once
 * on `online`, visibility or an API call). Only the IdP ends it: `login_required` at the top
 * level signs out; any other refusal waits for the user ("Continue as <name>") and is remembered
 * in the hint, so a restarted SW does not bounce the user through the IdP again (finding 7).
 */
import { retryDelay, type Connectivity } from './connectivity.ts';
import type { HintStore } from './hint-store.ts';
import { logger } from './log.ts';
import { SW_ROUTES } from './owns.ts';
import type { AuthErrorCode, Broadcast, Connection, SilentRecoveryPath, TopLevelRecoveryPath, UserProfile } from './protocol.ts';
import type { Session, Tokens } from './session.ts';
import { after, type Timer } from './timers.ts';

export const SILENT_LOGIN_PATH: SilentRecoveryPath = `${SW_ROUTES.login}?mode=silent`;
export const TOP_LEVEL_LOGIN_PATH: TopLevelRecoveryPath = `${SW_ROUTES.login}?mode=top-silent`;
/** An iframe round trip takes well under a second; one that never ends must not hang us. */
export const RECOVERY_TIMEOUT_MS = 20_000;
/** A top-level round trip may include a slow IdP; past this the attempt is considered lost. */
export const TOP_LEVEL_TIMEOUT_MS = 60_000;
/**
 * How many pages may be handed the same silent attempt (its host closed or reloaded), and how
 * many attempts may fail while the IdP answers: past either, a broken IdP cannot make us loop.
 */
export const MAX_SILENT_OFFERS = 2;
export const MAX_FAILED_ATTEMPTS = 3;

export interface RecoveryDeps {
  readonly session: Session;
  readonly hint: HintStore;
  readonly broadcast: (message: Broadcast) => Promise<void>;
  readonly connectivity: Connectivity;
}

const log = logger('recovery');

export class Recovery {
  #timer: Timer | undefined;
  #retries = 0;
  #failures = 0;

  constructor(private readonly d: RecoveryDeps) {}

  /**
   * A page said hello (or an API call or heartbeat came) while the SW holds nothing: if a
   * session may be recoverable (the page believed so, or the hint says so), start.
   */
  async maybeStart(believedSignedIn: boolean): Promise<void> {
    if (!this.#fresh()) return;
    // An unreadable hint (IndexedDB blocked or wiped) is no hint: only the page's belief counts.
    const hint = await this.d.hint.get().catch(() => null);
    if (!this.#fresh() || (!hint && !believedSignedIn)) return;
    if (hint?.needsInteraction) this.d.session.needsInteraction(hint.user);
    else this.#begin(hint ? { user: hint.user } : {});
  }

  /** The refresher cannot refresh (no refresh token, or it may have been spent). */
  needed(lost: Tokens): void {
    this.#begin({ user: lost.profile, live: lost, ...(lost.idToken !== undefined ? { idToken: lost.idToken } : {}) });
  }

  /** For a page that says hello: the iframe path, if this page should host the attempt. */
  offer(): SilentRecoveryPath | undefined {
    const s = this.d.session.state;
    if (s.kind !== 'recovering') return undefined;
    if (s.phase.step === 'needs-host') return SILENT_LOGIN_PATH;
    // Its host may have closed or reloaded, taking the iframe along: hand it on, a bounded number of times.
    if (s.phase.step === 'silent' && s.phase.offers < MAX_SILENT_OFFERS) {
      this.d.session.recovering({ step: 'silent', offers: s.phase.offers + 1 });
      return SILENT_LOGIN_PATH;
    }
    return undefined;
  }

  /** The iframe's `/login?mode=silent` arrived. */
  silentStarted(): void {
    const s = this.d.session.state;
    if (s.kind !== 'recovering') return;
    this.d.session.recovering({ step: 'silent', offers: s.phase.step === 'silent' ? s.phase.offers : 0 });
    this.#arm(RECOVERY_TIMEOUT_MS, () => this.#attemptFailed('idp-unreachable'));
  }

  /** The page's top-level `/login?mode=top-silent` arrived. */
  topLevelStarted(): void {
    if (this.d.session.state.kind !== 'recovering') return;
    this.d.session.recovering({ step: 'top-level' });
    this.#arm(TOP_LEVEL_TIMEOUT_MS, () => this.#attemptFailed('idp-unreachable'));
  }

  /** `/login` could not reach the IdP for a recovery attempt. */
  unreachable(): void {
    if (this.d.session.state.kind === 'recovering') void this.#waitFor();
  }

  /** A silent or top-level callback ended with `code`. */
  failed(mode: 'silent' | 'top-silent', code: AuthErrorCode): void {
    const s = this.d.session.state;
    if (s.kind !== 'recovering') return;
    log.debug('recovery attempt failed', { mode, code });
    if (code === 'idp_unreachable') return this.#attemptFailed('idp-unreachable');
    if (mode === 'silent' && (code === 'login_required' || code === 'interaction_required')) {
      // Possibly only third-party cookies: a first-party (top-level) attempt may still work.
      this.d.session.recovering({ step: 'top-level-offered' });
      this.#arm(RECOVERY_TIMEOUT_MS, () => this.#giveUp());
      return;
    }
    if (code === 'login_required') return this.d.session.signedOut('session-expired');
    if (code === 'token_exchange_failed') return this.#attemptFailed('idp-unreachable');
    this.#giveUp();
  }

  /** The page's iframe finished; says whether it may make the one top-level attempt. */
  resultReported(outcome: 'done' | 'timeout'): TopLevelRecoveryPath | undefined {
    const s = this.d.session.state;
    if (s.kind !== 'recovering') return undefined;
    if (s.phase.step === 'top-level-offered') return TOP_LEVEL_LOGIN_PATH;
    if (outcome === 'timeout' && s.phase.step === 'silent') this.#attemptFailed('idp-unreachable');
    return undefined;
  }

  /** `online`, a page becoming visible, an API call: waiting is over, try now. */
  nudge(): void {
    const s = this.d.session.state;
    if (s.kind !== 'recovering') return;
    if (s.phase.step === 'waiting') void this.#probe();
    else if (s.phase.step === 'needs-host') this.announce();
  }

  /** Asks every open page to host the silent iframe (visible pages do; one is enough). */
  announce(): void {
    void this.d.broadcast({ v: 1, marker: 'sw-token-vault', type: 'recovery-needed', silentRecoveryPath: SILENT_LOGIN_PATH });
  }

  /** The session left `recovering` (signed in or out): nothing left to time out or count. */
  settled(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#retries = 0;
    this.#failures = 0;
  }

  #fresh(): boolean {
    const s = this.d.session.state;
    return s.kind === 'signed-out' && s.reason === 'never-signed-in';
  }

  #begin(from: { user?: UserProfile; idToken?: string; live?: Tokens }): void {
    this.d.session.recovering({ step: 'needs-host' }, from);
    this.announce();
  }

  /** An attempt failed while it may be the IdP or the network: count it if the IdP answers. */
  #attemptFailed(cause: Exclude<Connection, 'ok'>): void {
    void this.#waitFor(cause, true);
  }

  async #waitFor(cause?: Exclude<Connection, 'ok'>, countIfReachable = false): Promise<void> {
    const now = await this.d.connectivity.check();
    if (this.d.session.state.kind !== 'recovering') return;
    if (now === 'ok' && countIfReachable && ++this.#failures >= MAX_FAILED_ATTEMPTS) {
      this.#giveUp();
      return;
    }
    this.d.session.recovering({ step: 'waiting', cause: now === 'ok' ? (cause ?? 'idp-unreachable') : now });
    this.#arm(retryDelay(this.#retries++), () => void this.#probe());
  }

  async #probe(): Promise<void> {
    this.#timer?.cancel();
    const now = await this.d.connectivity.check();
    const s = this.d.session.state;
    if (s.kind !== 'recovering' || s.phase.step !== 'waiting') return;
    if (now !== 'ok') {
      this.d.session.recovering({ step: 'waiting', cause: now });
      this.#arm(retryDelay(this.#retries++), () => void this.#probe());
      return;
    }
    this.#retries = 0;
    this.d.session.recovering({ step: 'needs-host' });
    this.announce();
  }

  /** The IdP refused without ending its session: wait for the user, also after a restart. */
  #giveUp(): void {
    const s = this.d.session.state;
    if (s.kind !== 'recovering') return;
    if (s.user) this.d.session.needsInteraction(s.user);
    else this.d.session.signedOut('session-expired');
  }

  #arm(ms: number, fn: () => void): void {
    this.#timer?.cancel();
    this.#timer = after(ms, fn);
  }
}
