/**
 * What this tab last knew of the session: whose it was (`sub`, non-secret, sessionStorage). It
 * tells a restarted SW that a session may be recoverable, and the app when a recovered session
 * belongs to someone else (their data must go).
 */
import type { SessionSnapshot } from '../../sw/protocol.ts';
import { readTab, writeTab } from './tab-storage.ts';

const BELIEF_KEY = 'sw-vault:last-sub';

export function believedSignedIn(): boolean {
  return readTab(BELIEF_KEY) !== null;
}

/** Records `s`; returns who it was before when the user changed (or signed out), else null. */
export function noteSession(s: SessionSnapshot): { previousSub: string; sub: string | null } | null {
  if (s.status === 'recovering') return null;
  // "Continue as <name>" is still that user's session, waiting for them: nothing to drop.
  const sub = s.status === 'signed-in' || s.reason === 'interaction-required' ? s.user.sub : null;
  const previousSub = readTab(BELIEF_KEY);
  writeTab(BELIEF_KEY, sub);
  if (previousSub === null) return null;
  const changed = sub !== null ? previousSub !== sub : s.status === 'signed-out' && s.reason !== 'never-signed-in';
  return changed ? { previousSub, sub } : null;
}
