import * as shimmer from 'shimmer';

/**
 * shimmer with the guarantees every patch relies on: wrapping twice is a no-op, unwrapping restores the
 * original, and a missing or non-function target is skipped (another version of the library).
 */
export type AnyFunction = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a wrapper takes any library function as it is
type Wrapped = AnyFunction & { __wrapped?: boolean; __original?: AnyFunction; __spanwise?: boolean };

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as Wrapped).__spanwise === true;
}

export function wrapMethod<T extends object>(target: T | undefined | null, name: string, wrapper: (original: AnyFunction) => AnyFunction): boolean {
  if (!target) return false;
  const current = (target as Record<string, unknown>)[name];
  if (typeof current !== 'function' || isWrapped(current)) return false;
  shimmer.wrap(target as Record<string, AnyFunction>, name, (original: AnyFunction) => {
    const wrapped = wrapper(original) as Wrapped;
    copyFunctionShape(wrapped, original);
    Object.defineProperty(wrapped, '__spanwise', { value: true, configurable: true });
    return wrapped;
  });
  return true;
}

export function unwrapMethod<T extends object>(target: T | undefined | null, name: string): void {
  if (!target) return;
  const current = (target as Record<string, unknown>)[name];
  if (isWrapped(current)) shimmer.unwrap(target as Record<string, AnyFunction>, name);
}

/** Keep `length` and `name` of the original: frameworks inspect arity (Express error handlers). */
function copyFunctionShape(wrapped: AnyFunction, original: AnyFunction): void {
  try {
    Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
    Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
  } catch {
    // non-configurable on some exotic functions: harmless
  }
}
