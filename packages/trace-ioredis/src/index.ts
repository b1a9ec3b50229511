/**
 * @spanwise/trace-ioredis: one client span per ioredis command, one per pipeline or MULTI, connect spans,
 * Cluster clients; statements carry the command and key, never values.
 */
export { instrumentation, patch, unpatch, isEnabled, patchedVersions } from './instrumentation';
export { commandName, commandStatement, maskReplyMessage, DEFAULT_MAX_STATEMENT_LENGTH, CONNECT_SPAN_NAME } from './utils';
export type { IoredisTracingOptions } from './types';
