/**
 * Hosting the SW's silent re-authentication (it cannot make frames): the hidden iframe, then the
 * SW's verdict, and when the SW allows it, the one top-level `prompt=none` navigation (at most
 * once a minute per tab, so a broken IdP cannot bounce the user in a loop). Loaded on demand:
 * most page loads never need it.
 */
import type { RecoveryResult, SilentRecoveryPath } from '../../sw/protocol.ts';
import { runRecoveryFrame } from './recovery-frame.ts';
import { request } from './sw-channel.ts';
import { guardAvailable, TOP_LEVEL_GUARD } from './sw-lifecycle.ts';

/** The SW's answer, or `navigating` when this page went on to the top-level try. */
export async function hostRecovery(path: SilentRecoveryPath, sw: ServiceWorker): Promise<RecoveryResult | 'navigating'> {
  const outcome = await runRecoveryFrame(path);
  const res = await request<'recovery-result'>(sw, { type: 'recovery-result', outcome });
  if (res.topLevelRecoveryPath && guardAvailable(TOP_LEVEL_GUARD)) {
    location.assign(`${res.topLevelRecoveryPath}&returnTo=${encodeURIComponent(location.pathname + location.search)}`);
    return 'navigating';
  }
  return res;
}
