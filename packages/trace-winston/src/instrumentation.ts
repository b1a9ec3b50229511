import { defineInstrumentation, logCorrelationOptions, reportFault, traceFields, unwrapMethod } from '@spanwise/trace-core';
import type { Log, Write } from './types';
import { argsWithTraceFields, infoWithTraceFields } from './utils';

type LoggerClass = { prototype: Record<string, unknown> };
/** winston 3's Logger inherits `write` from stream.Transform: the wrapper is an own property to delete on unpatch. */
const kOwnWrite = Symbol('spanwise.winston.ownWrite');

/**
 * Where winston is hooked. winston 3: `Logger#write(info)`, which every log call (levels, `log()`, child
 * loggers, profilers) ends in, synchronously in the caller's context. winston 2: `Logger#log`, whose meta
 * argument is what its transports write.
 */
export const instrumentation = defineInstrumentation({
  name: 'winston',
  packageName: '@spanwise/trace-winston',
  options: logCorrelationOptions('@spanwise/trace-winston'),
  hooks: [
    {
      module: 'winston',
      file: 'lib/winston/logger.js',
      versions: '>=2.0.0 <4',
      patch: (moduleExports: LoggerExports, info) => (isWinston2(info.version) ? patchWinston2(moduleExports as { Logger?: LoggerClass }) : patchWinston3(moduleExports as LoggerClass)),
      unpatch: (moduleExports: LoggerExports, info) => (isWinston2(info.version) ? unpatchWinston2(moduleExports as { Logger?: LoggerClass }) : unpatchWinston3(moduleExports as LoggerClass)),
    },
  ],
});

/** winston 2's logger.js exports `{ Logger }`; winston 3's exports the Logger class itself. */
type LoggerExports = LoggerClass | { Logger?: LoggerClass };

function isWinston2(version: string): boolean {
  return version.startsWith('2.');
}

function patchWinston3(Logger: LoggerClass): void {
  const proto = Logger.prototype;
  const own = Object.prototype.hasOwnProperty.call(proto, 'write');
  if (instrumentation.wrap(proto, 'write', wrapWrite)) Object.defineProperty(proto, kOwnWrite, { value: own, configurable: true });
}

function unpatchWinston3(Logger: LoggerClass): void {
  const proto = Logger.prototype as Record<string | symbol, unknown>;
  unwrapMethod(proto, 'write');
  if (proto[kOwnWrite] === false) delete proto.write;
  delete proto[kOwnWrite];
}

function patchWinston2(moduleExports: { Logger?: LoggerClass }): void {
  instrumentation.wrap(moduleExports.Logger?.prototype, 'log', wrapLog);
}

function unpatchWinston2(moduleExports: { Logger?: LoggerClass }): void {
  unwrapMethod(moduleExports.Logger?.prototype, 'log');
}

function wrapWrite(original: Write): Write {
  return function tracedWrite(this: unknown, info, ...rest) {
    const fields = traceFields();
    if (fields === undefined) return original.call(this, info, ...rest);
    let record = info;
    try {
      record = infoWithTraceFields(info, fields, instrumentation.options);
    } catch (error) {
      reportFault('winston log correlation', error);
    }
    return original.call(this, record, ...rest);
  };
}

function wrapLog(original: Log): Log {
  return function tracedLog(this: unknown, level, ...args) {
    const fields = traceFields();
    if (fields === undefined) return original.call(this, level, ...args);
    let traced = args;
    try {
      traced = argsWithTraceFields(args, fields, instrumentation.options);
    } catch (error) {
      reportFault('winston log correlation', error);
    }
    return original.call(this, level, ...traced);
  };
}

/** Add the active span's ids to every record (loggers made before or after). Idempotent; a second call updates the field names. */
export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;
