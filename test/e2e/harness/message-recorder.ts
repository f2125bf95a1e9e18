/**
 * Init script (runs in every frame before page code): records every message a page script could
 * receive from the SW — broadcasts on navigator.serviceWorker, replies on MessagePorts, and
 * BroadcastChannel messages — into `__e2eMessages`, so the leak scanner can search them.
 * Written as a string because it is evaluated in the page, not in Node.
 */
export const RECORD_MESSAGES_SCRIPT = `(() => {
  // tsx (esbuild keepNames) wraps nested functions of page.evaluate callbacks in __name(...).
  Object.defineProperty(globalThis, '__name', { value: (f) => f, enumerable: false, configurable: true });
  const log = [];
  Object.defineProperty(globalThis, '__e2eMessages', { value: log, enumerable: false });
  const bytes = (b) => { let s = ''; for (const x of new Uint8Array(b)) s += String.fromCharCode(x); return s; };
  const text = (data) => {
    try {
      return JSON.stringify(data, (_k, v) =>
        v instanceof ArrayBuffer ? bytes(v) : ArrayBuffer.isView(v) ? bytes(v.buffer) : v);
    } catch { return String(data); }
  };
  const record = (where) => (e) => { log.push(where + ' ' + text(e.data)); };
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener('message', record('sw'));
  }
  // MessagePort and BroadcastChannel: wrap the ways page code can listen, so the recorder sees
  // exactly what page code sees (and only once listening has started).
  for (const proto of [MessagePort.prototype, BroadcastChannel.prototype]) {
    const where = proto === MessagePort.prototype ? 'port' : 'broadcast';
    const add = proto.addEventListener;
    const seen = new WeakSet();
    const hook = (target) => {
      if (seen.has(target)) return;
      seen.add(target);
      add.call(target, 'message', record(where));
    };
    proto.addEventListener = function (type, ...rest) {
      if (type === 'message') hook(this);
      return add.call(this, type, ...rest);
    };
    const desc = Object.getOwnPropertyDescriptor(proto, 'onmessage');
    if (desc && desc.set) {
      Object.defineProperty(proto, 'onmessage', {
        ...desc,
        set(fn) { hook(this); desc.set.call(this, fn); },
      });
    }
  }
})();`;
