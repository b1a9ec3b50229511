/** Options of `patch()`. */
export interface Mysql2TracingOptions {
  /**
   * What `db.statement` records. `'masked'` (default): literals replaced by `?` (see docs/mysql2.md);
   * `'raw'`: the SQL text as the app wrote it (bound `values` are never recorded in any mode);
   * a function: your own (receives the SQL text; return undefined to omit the tag).
   */
  statement?: 'masked' | 'raw' | ((sql: string) => string | undefined);
  /** `db.statement` is cut to this many characters (default 2048), ending in `...`. */
  maxStatementLength?: number;
  /**
   * Append `/*traceparent='00-<trace>-<span>-01'*\/` to the SQL of `query` calls, so database-side logs and
   * slow-query tools can be joined to the trace (sqlcommenter). Off by default: see docs/mysql2.md.
   */
  sqlCommenter?: boolean;
  /**
   * Also comment `execute` (prepared) statements. Off even when sqlCommenter is on: mysql2 caches prepared
   * statements by SQL text, so a per-call comment prepares every call anew and fills the server's
   * max_prepared_stmt_count.
   */
  sqlCommenterOnExecute?: boolean;
  /** A `getConnection` span for each pool checkout, covering the wait for a free connection (default false). */
  poolWaitSpans?: boolean;
}

/** The parts of a mysql2 connection config the spans read. */
export interface ConnectionConfigLike {
  host?: string;
  port?: number;
  socketPath?: string;
  user?: string;
  database?: string;
}

/** A mysql2 command (Query / Execute): an EventEmitter carrying its SQL and, in callback mode, `onResult`. */
export interface CommandLike {
  sql?: string;
  onResult?: (...args: unknown[]) => unknown;
  emit(event: string | symbol, ...args: unknown[]): boolean;
  on(event: string | symbol, listener: (...args: unknown[]) => void): unknown;
}

export interface ConnectionLike {
  config?: ConnectionConfigLike;
}

export interface PoolLike {
  config?: { connectionConfig?: ConnectionConfigLike };
}

/** What `connection.prepare()` hands out: its SQL and connection. */
export interface PreparedStatementLike {
  query?: string;
  _connection?: ConnectionLike;
}
