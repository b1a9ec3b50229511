import { reportFault, wrapMethod } from '@spanwise/trace-core';
import type { AnyFunction, FastifyInstanceLike } from './types';
import { wrapHook } from './utils';

/** Hooks that run inside a request while its server span is open. */
const REQUEST_HOOKS = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onError']);

/**
 * Hook spans: the instance's `addHook` (inherited by every child instance, Fastify creates them with
 * Object.create) wraps request hooks added from now on. Hooks added earlier are left as they are.
 */
export function traceHooksAddedTo(fastify: FastifyInstanceLike): void {
  wrapMethod(fastify, 'addHook', (original) =>
    function addHook(this: FastifyInstanceLike, ...args: unknown[]) {
      const [name, hook] = args as [string, AnyFunction];
      if (args.length !== 2 || typeof hook !== 'function' || !REQUEST_HOOKS.has(name)) return original.apply(this, args);
      let traced: AnyFunction;
      try {
        traced = wrapHook(name, hook);
      } catch (error) {
        reportFault('fastify addHook', error);
        return original.apply(this, args);
      }
      return original.call(this, name, traced);
    },
  );
}
