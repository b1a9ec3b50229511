/**
 * @spanwise/trace-bunyan: log correlation for bunyan 1 and 2. While a span is active, each record carries
 * `trace_id`, `span_id` and `trace_flags` (names configurable), never replacing fields the app set.
 */
export { instrumentation, patch, unpatch, isEnabled, patchedVersions } from './instrumentation';
export type { BunyanCorrelationOptions } from './types';
