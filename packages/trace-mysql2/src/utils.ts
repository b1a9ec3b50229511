import type { Span } from 'opentracing';
import { callUserHook, ClientCall, clientTags, FORMAT_W3C, getTracer, isRecording, reportFault, serverPeer, startClientCall, TAGS, type ErrorRecording, type TagMap } from '@spanwise/trace-core';
import { maskErrorMessage, maskSql, StatementCache, statementName, truncateStatement } from './sql';
import type { ConnectionConfigLike, Mysql2TracingOptions } from './types';

export const COMPONENT = 'mysql2';
export const DEFAULT_MAX_STATEMENT_LENGTH = 2048;
export const POOL_WAIT_SPAN_NAME = 'getConnection';
const PACKAGE = '@spanwise/trace-mysql2';

export interface ResolvedOptions {
  statement: NonNullable<Mysql2TracingOptions['statement']>;
  maxStatementLength: number;
  sqlCommenter: boolean;
  sqlCommenterOnExecute: boolean;
  poolWaitSpans: boolean;
}

export function resolveOptions(options: Mysql2TracingOptions = {}): ResolvedOptions {
  const statement = options.statement ?? 'masked';
  return {
    statement: statement === 'raw' || typeof statement === 'function' ? statement : 'masked',
    maxStatementLength: options.maxStatementLength && options.maxStatementLength > 0 ? options.maxStatementLength : DEFAULT_MAX_STATEMENT_LENGTH,
    sqlCommenter: options.sqlCommenter === true,
    sqlCommenterOnExecute: options.sqlCommenter === true && options.sqlCommenterOnExecute === true,
    poolWaitSpans: options.poolWaitSpans === true,
  };
}

const names = new StatementCache<string>();
const masks = new StatementCache<string>();

const UNKNOWN_PEER_TAGS: TagMap = clientTags(COMPONENT, undefined, { [TAGS.DB_TYPE]: 'sql' });

/**
 * A client span for one statement, child of `parent` (default the active span); undefined outside a trace.
 * `config` null: the server is not known (a cluster that found no node), so no peer or database tags.
 */
export function startStatementSpan(config: ConnectionConfigLike | undefined | null, sql: string, options: ResolvedOptions, parent?: Span, startTime?: number): Span | undefined {
  const span = startClientCall(names.get(sql, statementName), config === null ? UNKNOWN_PEER_TAGS : connectionTags(config), parent ? { childOf: parent, startTime } : undefined);
  if (span && isRecording(span)) {
    const statement = recordedStatement(sql, options);
    if (statement !== undefined) span.setTag(TAGS.DB_STATEMENT, statement);
  }
  return span;
}

/** The statement in flight: its span ends once, whichever of callback, event or failure comes first. */
export function statementCall(span: Span, options: ResolvedOptions): ClientCall {
  return new ClientCall(span, options.statement === 'raw' ? RAW_ERRORS : MASKED_ERRORS);
}

interface CachedTags {
  user: string | undefined;
  database: string | undefined;
  tags: TagMap;
}
/** Per connection config (one per pooled connection): built once, rebuilt if changeUser altered it. */
const tagCache = new WeakMap<object, CachedTags>();

/** Tags every mysql2 span carries: component, database, user, peer. Shared objects: do not mutate. */
export function connectionTags(config: ConnectionConfigLike | undefined): TagMap {
  if (!config) return buildConnectionTags(undefined);
  const cached = tagCache.get(config);
  if (cached && cached.user === config.user && cached.database === config.database) return cached.tags;
  const tags = buildConnectionTags(config);
  tagCache.set(config, { user: config.user, database: config.database, tags });
  return tags;
}

function buildConnectionTags(config: ConnectionConfigLike | undefined): TagMap {
  return clientTags(COMPONENT, serverPeer(config, 3306), {
    [TAGS.DB_TYPE]: 'sql',
    [TAGS.DB_INSTANCE]: config?.database || undefined,
    [TAGS.DB_USER]: config?.user || undefined,
  });
}

/** `db.statement` per the `statement` option, truncated; bound values never appear. */
export function recordedStatement(sql: string, options: ResolvedOptions): string | undefined {
  let text: string | undefined;
  if (options.statement === 'raw') text = sql;
  else if (typeof options.statement === 'function') text = callUserHook(PACKAGE, 'statement', options.statement, sql);
  else text = masks.get(sql, maskSql);
  return typeof text === 'string' ? truncateStatement(text, options.maxStatementLength) : undefined;
}

function errorFields(error: unknown): TagMap {
  const err = error as { code?: unknown; errno?: unknown; sqlState?: unknown };
  return {
    'db.error.code': typeof err.code === 'string' ? err.code : undefined,
    'db.error.errno': typeof err.errno === 'number' ? err.errno : undefined,
    'db.error.sql_state': typeof err.sqlState === 'string' ? err.sqlState : undefined,
  };
}

/**
 * A failed statement is tagged and logged with its MySQL code, errno and SQLSTATE. Unless statements are recorded
 * raw, the span gets a look-alike of the error whose message has the quoted values masked (`Duplicate entry '?'`):
 * only name, message and a rebuilt stack are carried, so `sqlMessage` and `sql` never reach it.
 */
const MASKED_ERRORS: ErrorRecording = { maskMessage: maskErrorMessage, fields: errorFields };
const RAW_ERRORS: ErrorRecording = { fields: errorFields, maxMessageLength: Infinity };

/** A statement a pool never sent (no connection could be had): its span, started when the app called the pool, fails. */
export function recordUnsentStatement(config: ConnectionConfigLike | null, sql: string, options: ResolvedOptions, parent: Span | undefined, startTime: number, error: unknown): void {
  try {
    const span = startStatementSpan(config, sql, options, parent, startTime);
    if (span) statementCall(span, options).end(error);
  } catch (fault) {
    reportFault('mysql2 pool statement', fault);
  }
}

/** The SQL with a sqlcommenter `traceparent` comment (before a trailing `;`), or unchanged if none can be made. */
export function withTraceComment(sql: string, span: Span): string {
  const carrier: Record<string, unknown> = {};
  try {
    getTracer().inject(span.context(), FORMAT_W3C, carrier);
  } catch (error) {
    reportFault('mysql2 sqlCommenter', error);
    return sql;
  }
  const traceparent = carrier.traceparent;
  if (typeof traceparent !== 'string') return sql;
  const comment = ` /*traceparent='${traceparent}'*/`;
  const semicolon = /;\s*$/.exec(sql);
  return semicolon ? sql.slice(0, semicolon.index) + comment + sql.slice(semicolon.index) : sql + comment;
}

/** A span covering the wait for a pooled connection (option poolWaitSpans). */
export function startPoolWait(config: ConnectionConfigLike | undefined): ClientCall | undefined {
  const span = startClientCall(POOL_WAIT_SPAN_NAME, connectionTags(config));
  return span && new ClientCall(span, MASKED_ERRORS);
}

export function endPoolWait(call: ClientCall, startedAt: number, error: unknown): void {
  if (call.done) return;
  if (isRecording(call.span)) call.span.setTag('db.pool.wait_ms', Date.now() - startedAt);
  call.end(error);
}
