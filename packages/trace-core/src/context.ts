import { AsyncLocalStorage } from 'async_hooks';
import type { EventEmitter } from 'events';
import type { Span } from 'opentracing';

/**
 * The active span lives in AsyncLocalStorage, so it follows the request through callbacks, promises,
 * timers and emitters. One store is shared by every copy of this package loaded in the process.
 */
const STORE_KEY = Symbol.for('spanwise.context.storage');
/** Stored instead of a span while Spanwise's own work runs (reporter flushes): patches record nothing. */
const SUPPRESSED = { suppressed: true } as unknown as Span;
type Global = typeof globalThis & { [STORE_KEY]?: AsyncLocalStorage<Span> };
const storage: AsyncLocalStorage<Span> = ((globalThis as Global)[STORE_KEY] ??= new AsyncLocalStorage<Span>());

/** The span active where this is called, if any. */
export function getActiveSpan(): Span | undefined {
  const span = storage.getStore();
  return span === SUPPRESSED ? undefined : span;
}

/** True inside `suppressTracing`: instrumentation must not create spans or inject headers. */
export function isTracingSuppressed(): boolean {
  return storage.getStore() === SUPPRESSED;
}

/** Run `fn` (and all it starts: timers, sockets) with tracing off, e.g. the exporter's own HTTP calls. */
export function suppressTracing<T>(fn: () => T): T {
  return storage.run(SUPPRESSED, fn);
}

/** Run `fn` with `span` active (for `fn` and everything it starts asynchronously). */
export function withSpan<T>(span: Span | undefined, fn: () => T): T;
export function withSpan<T, A extends unknown[]>(span: Span | undefined, fn: (...args: A) => T, thisArg: unknown, ...args: A): T;
export function withSpan(span: Span | undefined, fn: (...args: unknown[]) => unknown, thisArg?: unknown, ...args: unknown[]): unknown {
  // Reflect.apply and its arguments instead of a closure: one fewer allocation per call (every request).
  if (span === undefined) return storage.exit(Reflect.apply, fn, thisArg, args);
  return storage.run(span, Reflect.apply, fn, thisArg, args);
}

/** `fn.apply(thisArg, args)` with `span` active, allocating no closure (for per-event hot paths). */
export function runInSpan(span: Span, fn: (...args: never[]) => unknown, thisArg: unknown, args: ArrayLike<unknown>): unknown {
  return storage.run(span, Reflect.apply, fn, thisArg, args);
}

/**
 * Bind `fn` to the span active now (or `span`): whenever it is later called, that span is active.
 * Use for callbacks handed to code that queues them (pools, custom schedulers).
 */
export function bindToContext<F extends (...args: never[]) => unknown>(fn: F, span: Span | undefined = getActiveSpan()): F {
  if (typeof fn !== 'function' || span === undefined) return fn;
  const bound = function (this: unknown, ...args: unknown[]) {
    return storage.run(span, () => (fn as unknown as (...a: unknown[]) => unknown).apply(this, args));
  };
  Object.defineProperty(bound, 'length', { value: fn.length });
  return bound as unknown as F;
}

const kBoundListeners = Symbol('spanwise.boundListeners');
const ADD_METHODS = ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'] as const;
const REMOVE_METHODS = ['off', 'removeListener'] as const;

type BoundEmitter = EventEmitter & { [kBoundListeners]?: WeakMap<Listener, Listener> };
type Listener = (...args: unknown[]) => void;

/** Shadow `emitter[method]` with one that hands the original `mapListener(listener)` instead of the listener. */
function replaceListenerMethod(emitter: EventEmitter, method: (typeof ADD_METHODS)[number] | (typeof REMOVE_METHODS)[number], mapListener: (listener: Listener) => Listener): void {
  const original = emitter[method] as unknown;
  if (typeof original !== 'function') return;
  Object.defineProperty(emitter, method, {
    configurable: true,
    writable: true,
    value: function (this: EventEmitter, event: string | symbol, listener: Listener) {
      return (original as (this: EventEmitter, ...args: unknown[]) => unknown).call(this, event, typeof listener === 'function' ? mapListener(listener) : listener);
    },
  });
}

/**
 * Bind every listener added to `emitter` from now on to the span active now, so events emitted
 * from another context (a pooled connection, a shared socket) run in the request that listened.
 */
export function bindEmitterToContext<E extends EventEmitter>(emitter: E, span: Span | undefined = getActiveSpan()): E {
  const target = emitter as BoundEmitter;
  if (!target || typeof target.on !== 'function' || span === undefined || target[kBoundListeners]) return emitter;
  const bound = new WeakMap<Listener, Listener>();
  Object.defineProperty(target, kBoundListeners, { value: bound, configurable: true });
  const wrappedOf = (listener: Listener): Listener => {
    let wrapped = bound.get(listener) as Listener | undefined;
    if (!wrapped) {
      wrapped = bindToContext(listener, span);
      bound.set(listener, wrapped);
    }
    return wrapped;
  };
  // Adding stores the bound copy; removing must find that copy from the listener the app holds.
  for (const method of ADD_METHODS) replaceListenerMethod(target, method, wrappedOf);
  for (const method of REMOVE_METHODS) replaceListenerMethod(target, method, (listener) => (bound.get(listener) as Listener | undefined) ?? listener);
  return emitter;
}
