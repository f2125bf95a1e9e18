/**
 * Coming back after the SW lost its memory (stopped when idle, replaced by an update) or could
 * not refresh safely: silent re-authentication with `prompt=none` in a hidden same-origin iframe
 * the page opens (the SW cannot make frames), then, if the iframe needs interaction (also what
 * blocked third-party cookies look like), one guarded top-level `prompt=none` navigation.
 */
import type { HintStore } from './context.ts';
import type { Broadcast } from './protocol.ts';
import type { Session, Tokens } from './session.ts';

export const SILENT_LOGIN_PATH = '/login?prompt=none&mode=silent';
export const TOP_LEVEL_LOGIN_PATH = '/login?prompt=none&mode=top-silent';
/** An iframe round trip takes well under a second; a page that never hosts it must not hang us. */
export const RECOVERY_TIMEOUT_MS = 20_000;
/** A top-level round trip may include a slow IdP; past this the attempt is considered lost. */
export const TOP_LEVEL_TIMEOUT_MS = 60_000;

export interface RecoveryDeps {
  readonly session: Session;
  readonly hint: HintStore;
  readonly broadcast: (message: Broadcast) => Promise<void>;
  readonly now: () => number;
}

/**
 * How many times one recovery may be handed to a page again after its host went away (a page
 * that closed or reloaded while its hidden iframe ran). Bounded so a broken IdP cannot loop.
 */
export const MAX_SILENT_REOFFERS = 2;

export class Recovery {
  /** One automatic attempt per SW instance: a failing IdP must not cause a loop. */
  private attempted = false;
  private reoffers = 0;
  private topLevelNeeded = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly d: RecoveryDeps) {}

  /**
   * Called when a page says hello (or an API call arrives) while the SW holds no tokens.
   * Returns the iframe path when this call started a recovery.
   */
  async maybeStart(believedSignedIn: boolean): Promise<string | undefined> {
    if (!this.eligible()) return undefined;
    if (!believedSignedIn && !(await this.d.hint.get().catch(() => null))) return undefined;
    if (!this.eligible()) return undefined; // another event started it meanwhile
    this.attempted = true;
    this.topLevelNeeded = false;
    this.d.session.recovering();
    this.arm(RECOVERY_TIMEOUT_MS);
    return SILENT_LOGIN_PATH;
  }

  /**
   * A page loaded (hello) while a silent recovery is still pending: the page that hosted its
   * iframe may have closed or reloaded, taking the iframe with it. Hand the same recovery to this
   * page too; whichever iframe finishes first settles the session.
   */
  reofferToNewPage(): string | undefined {
    const s = this.d.session.state;
    if (s.kind !== 'recovering' || s.tokens || this.topLevelNeeded) return undefined;
    if (this.reoffers >= MAX_SILENT_REOFFERS) return undefined;
    this.reoffers++;
    this.arm(RECOVERY_TIMEOUT_MS);
    return SILENT_LOGIN_PATH;
  }

  /** The refresher gave up on refreshing (session already `recovering`): ask a page to host it. */
  needed(): void {
    this.attempted = true;
    this.topLevelNeeded = false;
    this.arm(RECOVERY_TIMEOUT_MS);
    this.announce();
  }

  /** Asks every open page to host the silent iframe (visible pages do; one is enough). */
  announce(): void {
    void this.d.broadcast({ v: 1, marker: 'sw-token-vault', type: 'recovery-needed', silentRecoveryPath: SILENT_LOGIN_PATH });
  }

  /** The silent iframe's callback ended with an error. */
  silentFailed(needsInteraction: boolean): void {
    if (this.d.session.state.kind !== 'recovering') return;
    if (needsInteraction) {
      this.topLevelNeeded = true;
      this.arm(RECOVERY_TIMEOUT_MS);
    } else {
      this.fail();
    }
  }

  /** The top-level `prompt=none` navigation started: give it longer. */
  topLevelStarted(): void {
    this.topLevelNeeded = false;
    if (this.d.session.state.kind === 'recovering') this.arm(TOP_LEVEL_TIMEOUT_MS);
  }

  /** The page reports its iframe finished; tells it whether to try the top-level navigation. */
  resultReported(outcome: 'done' | 'timeout'): string | undefined {
    if (this.d.session.state.kind !== 'recovering') return undefined;
    if (this.topLevelNeeded) return TOP_LEVEL_LOGIN_PATH;
    if (outcome === 'timeout') this.fail();
    return undefined;
  }

  /** The session settled (signed in or out): nothing left to time out. */
  settled(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.topLevelNeeded = false;
  }

  private eligible(): boolean {
    const s = this.d.session.state;
    return !this.attempted && s.kind === 'signed-out' && s.reason === 'never-signed-in';
  }

  private fail(): void {
    const s = this.d.session.state;
    if (s.kind !== 'recovering') return;
    const live: Tokens | undefined = s.tokens;
    // A network problem is not a sign-out: keep a still-valid access token usable.
    if (live && live.accessTokenExpiresAt > this.d.now()) this.d.session.signedIn(live);
    else this.d.session.signedOut('recovery-failed');
  }

  private arm(ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail(), ms);
    (this.timer as { unref?: () => void }).unref?.();
  }
}
