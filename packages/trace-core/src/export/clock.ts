/**
 * Timer and clock functions captured when Spanwise is loaded. An app's or a test's fake timers (sinon,
 * jest, @sinonjs/fake-timers) replace the globals and the `timers` module's exports; calling them at call
 * time would park the exporter's drain on a fake clock and stall export for the rest of the process.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- timers captured with require at load, before an app's fake timers */
const timers = require('timers') as typeof import('timers');

export const setTimeoutReal: typeof setTimeout = timers.setTimeout;
export const clearTimeoutReal: typeof clearTimeout = timers.clearTimeout;
export const setIntervalReal: typeof setInterval = timers.setInterval;
export const clearIntervalReal: typeof clearInterval = timers.clearInterval;
export const setImmediateReal: typeof setImmediate = timers.setImmediate;
/** `process.nextTick` as loaded: when the global differs, an app's fake timers replaced it. */
export const nextTickReal = process.nextTick;
export const dateNow: () => number = Date.now;
const perf = performance;
const perfNowFn = perf.now;
/** `performance.now()` of the real clock. */
export function perfNow(): number {
  return perfNowFn.call(perf);
}
