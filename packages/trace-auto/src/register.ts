import { ConfigurationError, log, reportFault, resolveConfig, setLogLevel } from '@spanwise/trace-core';
import { instrument, instrumentEsm } from './auto';

/**
 * What `@spanwise/trace-auto/register` does: check the configuration now (a bad variable stops the app at
 * startup, naming it), then instrument every installed library. The tracer itself is created lazily by the
 * first span, in the process that makes it: a cluster primary or a parent that only forks opens no socket.
 */
const kRegistered = Symbol.for('spanwise.auto.registered');
type Registration = { esm: boolean };
type Global = typeof globalThis & { [kRegistered]?: Registration };

export function registerFromEnvironment(mode: { esm: boolean }): void {
  const g = globalThis as Global;
  const previous = g[kRegistered];
  try {
    if (previous === undefined) {
      // Validates JAEGER_* and SPANWISE_LOG_LEVEL without fixing the configuration (the app may still call init()).
      setLogLevel(resolveConfig().logLevel);
      instrument();
      g[kRegistered] = { esm: false };
    } else {
      log.debug('@spanwise/trace-auto/register loaded twice (NODE_OPTIONS and a flag?): instrumented once');
    }
    if (mode.esm && !g[kRegistered]!.esm) g[kRegistered]!.esm = instrumentEsm();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) {
      // A fault of Spanwise's own must not stop the app: it runs, untraced where the fault hit.
      reportFault('@spanwise/trace-auto/register', error);
      return;
    }
    process.stderr.write(`[spanwise] ${error.message}\n`);
    process.exit(1);
  }
}
