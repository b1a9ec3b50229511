import { Instrumentation, reportFault, resolveLogCorrelationOptions, resolveLogFieldNames, traceFields, unwrapMethod, wrapMethod, type LogFieldNames } from '@spanwise/trace-core';
import type { AsJson, PinoCorrelationOptions, PinoLogger } from './types';
import * as path from 'path';
import { withTraceFields, type PinoSymbols } from './utils';

let names: Required<LogFieldNames> = resolveLogFieldNames(undefined, 'trace-pino patch()');

/**
 * Where pino is hooked: `asJson` on the prototype every logger (and child) inherits, reached through
 * `lib/proto.js`, whose export makes objects of that prototype. It runs in the caller's context for every
 * record, before the record reaches any stream or transport.
 */
const instrumentation = new Instrumentation('pino', [
  {
    module: 'pino',
    file: 'lib/proto.js',
    versions: '>=9.0.0 <11',
    patch: (makeProto: () => object, info) => {
      const symbols = pinoSymbols(info.basedir);
      wrapMethod(loggerPrototype(makeProto), symbols.asJsonSym as unknown as string, (original: AsJson) => wrapAsJson(original, symbols.chindingsSym));
    },
    unpatch: (makeProto: () => object, info) => unwrapMethod(loggerPrototype(makeProto), pinoSymbols(info.basedir).asJsonSym as unknown as string),
  },
]);

function pinoSymbols(basedir: string): PinoSymbols {
  const symbols = require(path.join(basedir, 'lib', 'symbols.js')) as Partial<PinoSymbols>; // eslint-disable-line @typescript-eslint/no-require-imports
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
      record = withTraceFields(this[chindingsSym], obj, fields, names);
    } catch (error) {
      reportFault('pino log correlation', error);
    }
    return original.call(this, record, msg, num, time);
  };
}

/** Add the active span's ids to every pino record (loggers made before or after). Idempotent; a second call updates the field names. */
export function patch(options?: PinoCorrelationOptions): void {
  names = resolveLogCorrelationOptions(options, '@spanwise/trace-pino');
  instrumentation.enable();
}

/** Records are written as without Spanwise again. */
export function unpatch(): void {
  instrumentation.disable();
}

/** Versions patched in this process, e.g. `pino@10.4.0`. */
export function patchedVersions(): string[] {
  return [...instrumentation.patchedVersions];
}
