import { Instrumentation, reportFault, unwrapMethod, wrapMethod, type PatchDefinition } from '@spanwise/trace-core';
import type { KoaApplication, KoaMiddleware } from './types';
import { wrapMiddleware } from './utils';

/** Marks the trace middleware of an app that asked for middleware spans. */
export const kMiddlewareSpans = Symbol.for('spanwise.koa.middlewareSpans');

type KoaClass = { prototype: KoaApplication };

/**
 * Middleware spans: Koa's `Application.prototype.use` wraps the middlewares mounted after a trace middleware
 * with `middlewareSpans: true`. Only enabled when an app asks for them, so requests pay nothing otherwise.
 */
const applicationUse: PatchDefinition<KoaClass> = {
  module: 'koa',
  versions: '>=2.0.0 <4',
  patch(Application) {
    wrapMethod(Application.prototype, 'use', (original) =>
      function use(this: KoaApplication, ...args: unknown[]) {
        const fn = args[0];
        if (args.length !== 1 || !wantsMiddlewareSpan(this, fn)) return original.apply(this, args);
        return original.call(this, wrapMiddleware(fn));
      },
    );
  },
  unpatch(Application) {
    unwrapMethod(Application.prototype, 'use');
  },
};

export const koaInstrumentation = new Instrumentation('koa', [applicationUse]);

function wantsMiddlewareSpan(app: KoaApplication, fn: unknown): fn is KoaMiddleware {
  try {
    // Generator middlewares are converted (Koa 2) or refused (Koa 3) by use() itself: leave them to it.
    if (typeof fn !== 'function' || fn.constructor?.name === 'GeneratorFunction') return false;
    if ((fn as { [kMiddlewareSpans]?: boolean })[kMiddlewareSpans]) return false;
    const stack = app.middleware;
    return Array.isArray(stack) && stack.some((m) => (m as { [kMiddlewareSpans]?: boolean })[kMiddlewareSpans] === true);
  } catch (error) {
    reportFault('koa use', error);
    return false;
  }
}

/** Patch Koa for middleware spans (done by `traceMiddleware({ middlewareSpans: true })`). Idempotent. */
export function patch(): void {
  koaInstrumentation.enable();
}

/** Restore Koa's `use`; middlewares already wrapped keep their spans. Idempotent. */
export function unpatch(): void {
  koaInstrumentation.disable();
}
