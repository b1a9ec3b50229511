/**
 * @spanwise/trace-mysql2: one client span per mysql2 statement (query/execute on connections, pools, pool
 * clusters, promise wrappers; callback, promise and streaming forms), literals masked, pool-safe context.
 */
export { instrumentation, patch, unpatch, isEnabled, patchedVersions } from './instrumentation';
export { maskSql, statementName, truncateStatement, maskErrorMessage } from './sql';
export { DEFAULT_MAX_STATEMENT_LENGTH, POOL_WAIT_SPAN_NAME } from './utils';
export type { Mysql2TracingOptions } from './types';
