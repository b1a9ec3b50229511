/**
 * @spanwise/trace-winston: log correlation for winston 2 and 3. While a span is active, each record carries
 * `trace_id`, `span_id` and `trace_flags` (names configurable), never replacing fields the app set.
 */
export { instrumentation, patch, unpatch, isEnabled, patchedVersions } from './instrumentation';
export type { WinstonCorrelationOptions } from './types';
