// node:assert/strict, counting the assertions made (for the figures each pass reports).
import strict from 'node:assert/strict';

export const counts = { assertions: 0 };

export const assert = new Proxy(strict, {
  get(target, name) {
    const value = target[name];
    if (typeof value !== 'function' || name === 'AssertionError') return value;
    return (...args) => {
      counts.assertions += 1;
      return value.apply(target, args);
    };
  },
  apply(target, self, args) {
    counts.assertions += 1;
    return target.apply(self, args);
  },
});
