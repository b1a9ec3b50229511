import { maskSql as maskSqlAs, maskSqlErrorMessage, statementName as statementNameAs, type SqlOptions } from '@spanwise/trace-core';

/**
 * The MySQL/MariaDB side of trace-core's SQL helpers, under the names this package has always exported. The
 * scanner itself (literals, comments, `#`, backslash escapes, `/*! *\/` executable comments, optimizer hints)
 * lives in trace-core, shared with any other SQL client package through its `dialect` option.
 */
const MYSQL: SqlOptions = { dialect: 'mysql' };

/** Replace every literal with `?` (see docs/mysql2.md for what is masked and what stays). */
export function maskSql(sql: string): string {
  return maskSqlAs(sql, MYSQL);
}

/** A low-cardinality span name: the first keyword and the first table (`SELECT users`), or the keyword alone. */
export function statementName(sql: string): string {
  return statementNameAs(sql, MYSQL);
}

/** A MySQL/MariaDB error message with the values it quotes masked, quoted names (`for key 'email'`) kept. */
export function maskErrorMessage(message: string): string {
  return maskSqlErrorMessage(message, MYSQL);
}

export { truncateStatement, StatementCache } from '@spanwise/trace-core';
