import { Instrumentation, reportFault, resolveLogCorrelationOptions, resolveLogFieldNames, traceFields, unwrapMethod, wrapMethod, type LogFieldNames } from '@spanwise/trace-core';
import type { BunyanCorrelationOptions, Emit } from './types';
import { addToRecord } from './utils';

let names: Required<LogFieldNames> = resolveLogFieldNames(undefined, 'trace-bunyan patch()');

type LoggerClass = { prototype?: Record<string, unknown> };

/**
 * Where bunyan is hooked: `Logger#_emit`, which receives each record bunyan built for a log call (child
 * loggers included), synchronously in the caller's context, before any stream sees it.
 */
const instrumentation = new Instrumentation('bunyan', [
  {
    module: 'bunyan',
    versions: '>=1.0.0 <3',
    patch: (Logger: LoggerClass) => wrapMethod(Logger.prototype, '_emit', wrapEmit),
    unpatch: (Logger: LoggerClass) => unwrapMethod(Logger.prototype, '_emit'),
  },
]);

function wrapEmit(original: Emit): Emit {
  return function tracedEmit(this: unknown, record, ...rest) {
    const fields = traceFields();
    if (fields !== undefined) {
      try {
        addToRecord(record, fields, names);
      } catch (error) {
        reportFault('bunyan log correlation', error);
      }
    }
    return original.call(this, record, ...rest);
  };
}

/** Add the active span's ids to every bunyan record (loggers made before or after). Idempotent; a second call updates the field names. */
export function patch(options?: BunyanCorrelationOptions): void {
  names = resolveLogCorrelationOptions(options, '@spanwise/trace-bunyan');
  instrumentation.enable();
}

/** Records are written as without Spanwise again. */
export function unpatch(): void {
  instrumentation.disable();
}

/** Versions patched in this process, e.g. `bunyan@2.0.5`. */
export function patchedVersions(): string[] {
  return [...instrumentation.patchedVersions];
}
