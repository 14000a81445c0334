/**
 * Counting the listeners on an event target, to prove none is left behind.
 *
 * @module
 */

/** Live count of listeners on one target; disposing restores the target's methods. */
export interface ListenerCount extends Disposable {
  /** Listeners added and not yet removed (including `once` listeners not yet fired). */
  readonly count: number;
  /** The most listeners present at one time. */
  readonly peak: number;
}

/**
 * Watches `target.addEventListener` and `removeEventListener`. A `{ once: true }` listener that
 * fires is counted as removed, as the platform removes it.
 */
export function countListeners(target: EventTarget): ListenerCount {
  const live = new Map<string, Set<EventListenerOrEventListenerObject>>();
  let peak = 0;
  const size = () => [...live.values()].reduce((sum, set) => sum + set.size, 0);
  const originalAdd = target.addEventListener;
  const originalRemove = target.removeEventListener;
  const wrappers = new Map<EventListenerOrEventListenerObject, EventListener>();
  target.addEventListener = function (type, listener, options) {
    if (listener === null) return originalAdd.call(this, type, listener, options);
    const once = typeof options === "object" && options?.once === true;
    let registered: EventListenerOrEventListenerObject = listener;
    if (once) {
      const wrapper: EventListener = (event) => {
        live.get(type)?.delete(listener);
        if (typeof listener === "function") listener.call(this, event);
        else listener.handleEvent(event);
      };
      wrappers.set(listener, wrapper);
      registered = wrapper;
    }
    const set = live.get(type) ?? new Set();
    set.add(listener);
    live.set(type, set);
    peak = Math.max(peak, size());
    return originalAdd.call(this, type, registered, options);
  };
  target.removeEventListener = function (type, listener, options) {
    if (listener !== null) {
      live.get(type)?.delete(listener);
      const wrapper = wrappers.get(listener);
      if (wrapper !== undefined) {
        wrappers.delete(listener);
        return originalRemove.call(this, type, wrapper, options);
      }
    }
    return originalRemove.call(this, type, listener, options);
  };
  return {
    get count() {
      return size();
    },
    get peak() {
      return peak;
    },
    [Symbol.dispose]: () => {
      target.addEventListener = originalAdd;
      target.removeEventListener = originalRemove;
    },
  };
}
