/**
 * The page <-> service-worker protocol. Types only: both `src/` and `sw/` import it with
 * `import type`, so nothing here ships twice and neither side can drift from the other.
 *
 * Shape (after comlink's protocol.ts): every request carries the protocol version and an id;
 * the SW answers on the MessagePort the page sent with the request, echoing the id, with either
 * `ok: true` and the typed result, or `ok: false` and a `{code, message}` error. Broadcasts
 * (SW -> every controlled page) carry no id.
 *
 * What may cross: signed-in or not, profile claims (sub, name, email), granted scopes,
 * access-token expiry, last refresh time, the SW instance id. Never a token, code or verifier
 * (STANDARDS A7): no type below has a field that could hold one.
 */

export type ProtocolVersion = 1;

/**
 * The navigations the SW answers, by name. The SW's table (owns.ts `SW_ROUTES`) and the page's
 * links (src/vault) are both checked against these types, so neither can drift.
 */
export interface SwRoutes {
  readonly login: '/login';
  readonly callback: '/callback';
  readonly logout: '/logout';
  /** The SW-made page the silent iframe ends on. */
  readonly silentDone: '/silent-done';
}

/** `/login?returnTo=<same-origin path>`: what "Sign in" links to. */
export type SignInHref = `${SwRoutes['login']}?returnTo=${string}`;
/** `/logout?ticket=<one-time ticket from a logout-ticket request>`. */
export type SignOutHref = `${SwRoutes['logout']}?ticket=${string}`;
/** What the SW hands a page for the hidden iframe, and for the one top-level try. */
export type SilentRecoveryPath = `${SwRoutes['login']}?mode=silent`;
export type TopLevelRecoveryPath = `${SwRoutes['login']}?mode=top-silent`;

/** Profile claims the page may show. The raw ID token never leaves the SW. */
export interface UserProfile {
  readonly sub: string;
  readonly name?: string;
  readonly email?: string;
}

/**
 * Why the SW holds no session. An outage (IdP, API or network down) is never one of them: the
 * session then stays `recovering` or `signed-in` with a `connection` that says what is wrong.
 */
export type SignedOutReason =
  | 'never-signed-in'
  | 'signed-out' // the user signed out (this tab or another)
  | 'session-expired' // refresh answered invalid_grant, or prompt=none answered login_required
  | 'interaction-required'; // the IdP wants the user (consent, MFA, ...): "Continue as <name>"

/** Whether the SW can reach the IdP right now (it retries by itself while it cannot). */
export type Connection = 'ok' | 'offline' | 'idp-unreachable';

export type SessionSnapshot =
  | {
      readonly status: 'signed-out';
      readonly reason: Exclude<SignedOutReason, 'interaction-required'>;
    }
  | {
      /** Nothing happens by itself until the user acts; `user` names who would continue. */
      readonly status: 'signed-out';
      readonly reason: 'interaction-required';
      readonly user: UserProfile;
    }
  | {
      /** The SW has no usable token but the session comes back without user action. */
      readonly status: 'recovering';
      readonly connection: Connection;
      /** Who is coming back, when the SW knows (not after a restart: the hint holds only `sub`). */
      readonly user?: UserProfile;
    }
  | {
      readonly status: 'signed-in';
      readonly user: UserProfile;
      readonly scopes: readonly string[];
      /** Epoch milliseconds. */
      readonly accessTokenExpiresAt: number;
      /** Epoch milliseconds of the last successful refresh, or null when none happened yet. */
      readonly lastRefreshAt: number | null;
      /** Not `ok`: the next refresh waits for the IdP; the access token still works until it expires. */
      readonly connection: Connection;
    };

/** Stable error codes crossing the protocol. Tests assert these, never the message text. */
export type ProtocolErrorCode =
  | 'timeout' // no reply within the request's deadline
  | 'not_controlled' // the page is not controlled by the SW (first load, Shift+Reload)
  | 'sw_unavailable' // service workers are unavailable in this browser or context
  | 'bad_message' // malformed message, unknown type or wrong protocol version
  | 'forbidden_sender' // the sender is not a window client controlled by this SW
  | 'internal'; // anything else; the SW's debug log has the cause, the page shows a generic message

export interface ProtocolError {
  readonly code: ProtocolErrorCode;
  readonly message: string;
}

interface RequestBase<T extends string> {
  readonly v: ProtocolVersion;
  readonly id: string;
  readonly type: T;
}

/** First message of every page load: the session as the SW sees it, and a heartbeat. */
export interface HelloRequest extends RequestBase<'hello'> {
  /** The page believed it was signed in (from a previous load); lets the SW decide to recover. */
  readonly believedSignedIn: boolean;
}
/**
 * Visible pages send this every ~20 s so Chromium does not stop the SW while it is in use, and
 * at once when the page becomes visible or the browser comes back online: a SW waiting for the
 * IdP or the network retries now.
 */
export type HeartbeatRequest = RequestBase<'heartbeat'>;
/** Take control of an uncontrolled page (first load, Shift+Reload) with clients.claim(). */
export type ClaimRequest = RequestBase<'claim'>;
/** Ask for a one-time ticket that authorises a `/logout?ticket=` navigation (logout CSRF). */
export type LogoutTicketRequest = RequestBase<'logout-ticket'>;
/** The page's silent-recovery iframe ended (loaded the SW-made result page, or timed out). */
export interface RecoveryResultRequest extends RequestBase<'recovery-result'> {
  readonly outcome: 'done' | 'timeout';
}

/** Answer to `recovery-result`. */
export interface RecoveryResult extends SessionResult {
  /**
   * Set when the silent iframe could not finish (login/consent/interaction_required: also what
   * blocked third-party cookies look like): the page may make ONE top-level `prompt=none`
   * navigation to this same-origin path, which keeps the current route (`returnTo`).
   */
  readonly topLevelRecoveryPath?: TopLevelRecoveryPath;
}
/** A waiting SW is told to activate (the "Reload to update" button). */
export type SkipWaitingRequest = RequestBase<'skip-waiting'>;

export type PageRequest = HelloRequest | HeartbeatRequest | ClaimRequest | LogoutTicketRequest | RecoveryResultRequest | SkipWaitingRequest;

export type PageRequestType = PageRequest['type'];

/** The result type of each request, by request type. */
export interface ResultMap {
  hello: HelloResult;
  heartbeat: SessionResult;
  claim: { readonly claimed: true };
  'logout-ticket': { readonly ticket: string };
  'recovery-result': RecoveryResult;
  'skip-waiting': { readonly accepted: true };
}

/** The session as the SW sees it now. */
export interface SessionResult {
  readonly session: SessionSnapshot;
  /** Random per SW start; changes when the browser stopped and restarted the worker. */
  readonly swInstanceId: string;
}

export interface HelloResult extends SessionResult {
  /**
   * When set, the page must open a hidden same-origin iframe at this same-origin path so the SW
   * can run a `prompt=none` re-authentication (the SW cannot create frames itself).
   */
  readonly silentRecoveryPath?: SilentRecoveryPath;
}

export type Reply<T extends PageRequestType = PageRequestType> =
  | { readonly v: ProtocolVersion; readonly id: string; readonly ok: true; readonly result: ResultMap[T] }
  | { readonly v: ProtocolVersion; readonly id: string; readonly ok: false; readonly error: ProtocolError };

/** Channel name used for broadcasts, so pages can tell them apart from other messages. */
export type BroadcastMarker = 'sw-token-vault';

/** SW -> every controlled page, unsolicited. */
export type Broadcast =
  | {
      readonly v: ProtocolVersion;
      readonly marker: BroadcastMarker;
      readonly type: 'session-changed';
      readonly session: SessionSnapshot;
      readonly swInstanceId: string;
    }
  | {
      /** The SW lost its tokens and needs a page to host the silent re-authentication iframe. */
      readonly v: ProtocolVersion;
      readonly marker: BroadcastMarker;
      readonly type: 'recovery-needed';
      readonly silentRecoveryPath: SilentRecoveryPath;
    };

/**
 * Codes of the JSON error bodies the SW itself answers page fetches with
 * (`{ code, message }`, `Content-Type: application/json`).
 */
export type SwFetchErrorCode =
  | 'idp_request_refused' // 403: page scripts may not talk to the IdP (STANDARDS A9)
  | 'config_invalid' // 503: the SW's /config.json is missing or invalid
  | 'session_reconnecting' // 503: no usable token until the IdP or the network is back (retry later)
  | 'api_redirect_refused'; // 502: an allow-listed API answered a redirect; bearer requests never follow one

export interface SwFetchError {
  readonly code: SwFetchErrorCode;
  readonly message: string;
}

/**
 * Why a sign-in ended on `/?auth_error=<code>`. A fixed table: the callback never puts anything
 * else in the URL, and the page turns each code into a readable sentence.
 */
export type AuthErrorCode =
  | 'access_denied' // the user cancelled at the IdP
  | 'login_required' // prompt=none found no IdP session
  | 'interaction_required' // the IdP needs the user (consent, MFA, blocked third-party cookies)
  | 'state_mismatch' // unknown, expired, replayed or forged `state`
  | 'issuer_mismatch' // RFC 9207 `iss` missing or from another server
  | 'bad_callback' // malformed callback: POST, fragment, missing or duplicated parameters
  | 'token_exchange_failed' // the token endpoint refused the code or answered garbage
  | 'id_token_invalid' // signature, iss, aud, exp, nonce or alg check failed
  | 'idp_unreachable' // network failure talking to the IdP
  | 'idp_error' // any other error the IdP reported
  | 'config_invalid' // the SW's /config.json is missing or invalid
  | 'insecure_deployment'; // the app is served without its security headers (CSP, COOP): sign-in refused
