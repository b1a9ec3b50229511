import { defineInstrumentation, logCorrelationOptions, reportFault, traceFields, unwrapMethod } from '@spanwise/trace-core';
import type { Emit } from './types';
import { addToRecord } from './utils';

type LoggerClass = { prototype?: Record<string, unknown> };

/**
 * Where bunyan is hooked: `Logger#_emit`, which receives each record bunyan built for a log call (child
 * loggers included), synchronously in the caller's context, before any stream sees it.
 */
export const instrumentation = defineInstrumentation({
  name: 'bunyan',
  packageName: '@spanwise/trace-bunyan',
  options: logCorrelationOptions('@spanwise/trace-bunyan'),
  hooks: [
    {
      module: 'bunyan',
      versions: '>=1.0.0 <3',
      patch: (Logger: LoggerClass) => instrumentation.wrap(Logger.prototype, '_emit', wrapEmit),
      unpatch: (Logger: LoggerClass) => unwrapMethod(Logger.prototype, '_emit'),
    },
  ],
});

function wrapEmit(original: Emit): Emit {
  return function tracedEmit(this: unknown, record, ...rest) {
    const fields = traceFields();
    if (fields !== undefined) {
      try {
        addToRecord(record, fields, instrumentation.options);
      } catch (error) {
        reportFault('bunyan log correlation', error);
      }
    }
    return original.call(this, record, ...rest);
  };
}

/** Add the active span's ids to every record (loggers made before or after). Idempotent; a second call updates the field names. */
export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;
