import { defineInstrumentation, logCorrelationOptions, reportFault, traceFields, unwrapMethod } from '@spanwise/trace-core';
import type { AsJson, PinoLogger } from './types';
import * as path from 'path';
import { withTraceFields, type PinoSymbols } from './utils';

/**
 * Where pino is hooked: `asJson` on the prototype every logger (and child) inherits, reached through
 * `lib/proto.js`, whose export makes objects of that prototype. It runs in the caller's context for every
 * record, before the record reaches any stream or transport.
 */
export const instrumentation = defineInstrumentation({
  name: 'pino',
  packageName: '@spanwise/trace-pino',
  options: logCorrelationOptions('@spanwise/trace-pino'),
  hooks: [
    {
      module: 'pino',
      file: 'lib/proto.js',
      versions: '>=9.0.0 <11',
      patch: (makeProto: () => object, info) => {
        const symbols = pinoSymbols(info.basedir);
        instrumentation.wrap(loggerPrototype(makeProto), symbols.asJsonSym as unknown as string, (original: AsJson) => wrapAsJson(original, symbols.chindingsSym));
      },
      unpatch: (makeProto: () => object, info) => unwrapMethod(loggerPrototype(makeProto), pinoSymbols(info.basedir).asJsonSym as unknown as string),
    },
  ],
});

function pinoSymbols(basedir: string): PinoSymbols {
  const symbols = require(path.join(basedir, 'lib', 'symbols.js')) as Partial<PinoSymbols>; // eslint-disable-line @typescript-eslint/no-require-imports -- pino's own symbols, from the copy being patched
  if (typeof symbols.asJsonSym !== 'symbol' || typeof symbols.chindingsSym !== 'symbol') throw new Error('pino without asJsonSym/chindingsSym');
  return symbols as PinoSymbols;
}

function loggerPrototype(makeProto: () => object): object {
  return Object.getPrototypeOf(makeProto()) as object;
}

function wrapAsJson(original: AsJson, chindingsSym: symbol): AsJson {
  return function tracedAsJson(this: PinoLogger, obj, msg, num, time) {
    const fields = traceFields();
    if (fields === undefined) return original.call(this, obj, msg, num, time);
    let record = obj;
    try {
      record = withTraceFields(this[chindingsSym], obj, fields, instrumentation.options);
    } catch (error) {
      reportFault('pino log correlation', error);
    }
    return original.call(this, record, msg, num, time);
  };
}

/** Add the active span's ids to every record (loggers made before or after). Idempotent; a second call updates the field names. */
export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;
