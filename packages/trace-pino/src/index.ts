/**
 * @spanwise/trace-pino: log correlation for pino 9 and 10. While a span is active, each record carries
 * `trace_id`, `span_id` and `trace_flags` (names configurable), never replacing fields the app set.
 */
export { instrumentation, patch, unpatch, isEnabled, patchedVersions } from './instrumentation';
export type { PinoCorrelationOptions } from './types';
