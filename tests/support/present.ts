/**
 * Narrowing for values a test expects to exist (the npm build of `@std/assert` has no types, so
 * `assert()` cannot narrow).
 *
 * @module
 */

/** Returns `value`, or throws naming `what` when it is `undefined` or `null`. */
export function present<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`Expected ${what} to be present`);
  return value;
}
