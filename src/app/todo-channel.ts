/**
 * Tells the other tabs of this origin that the user's todos changed (issue 9 item 5), so each
 * re-reads within a moment instead of at the next reload. A message carries the user's `sub` and
 * what changed, nothing else: no todo data and never a token.
 */
const NAME = 'todo-changes';

/** `queued`: the outbox changed (re-read it, try sending). `saved`: the API has new data (re-read the list too). */
export type ChangeKind = 'queued' | 'saved';

interface ChangeMessage {
  readonly v: 1;
  readonly sub: string;
  readonly kind: ChangeKind;
}

export interface TodoChannel {
  post(kind: ChangeKind): void;
  close(): void;
}

export function openTodoChannel(sub: string, onChange: (kind: ChangeKind) => void): TodoChannel {
  // Without BroadcastChannel, other tabs catch up on their next load or visibility change.
  if (typeof BroadcastChannel === 'undefined') return { post: () => undefined, close: () => undefined };
  let ch: BroadcastChannel | null = null;
  const open = () => {
    ch = new BroadcastChannel(NAME);
    ch.onmessage = ({ data }: MessageEvent) => {
      const m = data as Partial<ChangeMessage> | null;
      // Another user's tab (a switch that this tab has not noticed yet) is none of ours.
      if (m?.v === 1 && m.sub === sub && (m.kind === 'queued' || m.kind === 'saved')) onChange(m.kind);
    };
  };
  const shut = () => {
    ch?.close();
    ch = null;
  };
  // A message to a page in the back/forward cache evicts it from there (Chromium): closed while
  // it sits there; the list is read again when it comes back (todos-controller.ts, pageshow).
  const onHide = (e: PageTransitionEvent) => e.persisted && shut();
  const onShow = (e: PageTransitionEvent) => e.persisted && !ch && open();
  addEventListener('pagehide', onHide);
  addEventListener('pageshow', onShow);
  open();
  return {
    // A step that finishes after sign-out (or in the cache) has no one left to tell.
    post: (kind) => ch?.postMessage({ v: 1, sub, kind } satisfies ChangeMessage),
    close: () => {
      removeEventListener('pagehide', onHide);
      removeEventListener('pageshow', onShow);
      shut();
    },
  };
}
