import type { Span } from 'opentracing';
import { defineInstrumentation, optionKeys, optionRules, type PatchDefinition } from '@spanwise/trace-core';
import { bindEmitterToContext, bindToContext, getActiveSpan, isRecording, reportFault, unwrapMethod, type ClientCall } from '@spanwise/trace-core';
import type { EventEmitter } from 'events';
import type { CommandLike, ConnectionConfigLike, ConnectionLike, Mysql2TracingOptions, PoolLike, PreparedStatementLike } from './types';
import { endPoolWait, recordUnsentStatement, resolveOptions, startPoolWait, startStatementSpan, statementCall, withTraceComment } from './utils';

/* eslint-disable @typescript-eslint/no-explicit-any -- mysql2 internals (commands, pools) are untyped: wrappers pass their arguments as they come */
type AnyFunction = (...args: any[]) => any;

/**
 * Where mysql2 is hooked. Every query and execute, whatever API the app uses (callback, promise wrapper,
 * pool, pool cluster, streaming), ends in the connection's `query` / `execute`. Those live on
 * `lib/base/connection.js` since 3.11.5 and on `lib/connection.js` before; `lib/connection.js` exports a class
 * whose prototype chain owns them in both layouts, so the patch hooks that file (and `lib/pool.js`,
 * `lib/pool_cluster.js` likewise) rather than the main module, which `mysql2/promise` no longer loads.
 *
 * Pools hand out connections from a queue: the callback of `getConnection` runs in whichever request released
 * a connection. It is bound at call time to the request that asked, so the statement it issues is that
 * request's child.
 */
const VERSIONS = '>=3.1.0 <4'; // 3.0.x: a port from a connection URL stays a string (peer.port tag)
type ClassExport = { prototype: object } | undefined;

function classHook(file: string, patch: (proto: object | undefined) => void, unpatch: (proto: object | undefined) => void): PatchDefinition<ClassExport> {
  return { module: 'mysql2', file, versions: VERSIONS, patch: (c) => patch(c?.prototype), unpatch: (c) => unpatch(c?.prototype) };
}

/** Trace mysql2 (already loaded or loaded later). Idempotent; a second call only updates the options. */
export const instrumentation = defineInstrumentation({
  name: 'mysql2',
  packageName: '@spanwise/trace-mysql2',
  hooks: [classHook('lib/connection.js', patchConnection, unpatchConnection), classHook('lib/pool.js', patchPool, unpatchPool), classHook('lib/pool_cluster.js', patchCluster, unpatchCluster)],
  options: {
    keys: optionKeys<Mysql2TracingOptions>({ statement: true, maxStatementLength: true, sqlCommenter: true, sqlCommenterOnExecute: true, poolWaitSpans: true }),
    rules: {
      statement: optionRules.oneOf(['masked', 'raw'], true),
      maxStatementLength: optionRules.positiveInteger,
      sqlCommenter: optionRules.boolean,
      sqlCommenterOnExecute: optionRules.boolean,
      poolWaitSpans: optionRules.boolean,
    },
    resolve: resolveOptions,
  },
});

export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;

function patchConnection(connection: object | undefined): void {
  instrumentation.wrap(ownerOf(connection, 'query'), 'query', wrapStatement('query'));
  instrumentation.wrap(ownerOf(connection, 'execute'), 'execute', wrapStatement('execute'));
  instrumentation.wrap(ownerOf(connection, 'prepare'), 'prepare', wrapPrepare);
}

function unpatchConnection(connection: object | undefined): void {
  unwrapMethod(ownerOf(connection, 'query'), 'query');
  unwrapMethod(ownerOf(connection, 'execute'), 'execute');
  unwrapMethod(ownerOf(connection, 'prepare'), 'prepare');
}

function patchPool(pool: object | undefined): void {
  instrumentation.wrap(ownerOf(pool, 'getConnection'), 'getConnection', wrapPoolGetConnection);
  instrumentation.wrap(ownerOf(pool, 'query'), 'query', wrapPoolStatement('query'));
  instrumentation.wrap(ownerOf(pool, 'execute'), 'execute', wrapPoolStatement('execute'));
}

function unpatchPool(pool: object | undefined): void {
  unwrapMethod(ownerOf(pool, 'getConnection'), 'getConnection');
  unwrapMethod(ownerOf(pool, 'query'), 'query');
  unwrapMethod(ownerOf(pool, 'execute'), 'execute');
}

function patchCluster(cluster: object | undefined): void {
  instrumentation.wrap(ownerOf(cluster, 'getConnection'), 'getConnection', wrapClusterGetConnection);
  instrumentation.wrap(ownerOf(cluster, 'of'), 'of', wrapClusterOf);
}

function unpatchCluster(cluster: object | undefined): void {
  unwrapMethod(ownerOf(cluster, 'getConnection'), 'getConnection');
  unwrapMethod(ownerOf(cluster, 'of'), 'of');
  for (const namespace of namespacePrototypes) unpatchNamespace(namespace);
  namespacePrototypes.clear();
}

/** The PoolNamespace classes seen (mysql2 does not export it: `cluster.of()` hands out its instances). */
const namespacePrototypes = new Set<object>();

/** `cluster.of(pattern)`: its namespace's `query`/`execute` fail like a pool's when no node gives a connection. */
function wrapClusterOf(original: AnyFunction): AnyFunction {
  return function tracedOf(this: unknown, ...args: any[]) {
    const namespace = original.apply(this, args);
    try {
      const proto = namespace && typeof namespace === 'object' ? (Object.getPrototypeOf(namespace) as object) : undefined;
      if (proto && proto !== Object.prototype && !namespacePrototypes.has(proto) && instrumentation.isEnabled()) {
        namespacePrototypes.add(proto);
        instrumentation.wrap(proto, 'query', wrapPoolStatement('query'));
        instrumentation.wrap(proto, 'execute', wrapPoolStatement('execute'));
        instrumentation.wrap(proto, 'getConnection', wrapNamespaceGetConnection);
      }
    } catch (error) {
      reportFault('mysql2 cluster namespace', error);
    }
    return namespace;
  };
}

function unpatchNamespace(proto: object): void {
  unwrapMethod(proto, 'query');
  unwrapMethod(proto, 'execute');
  unwrapMethod(proto, 'getConnection');
}

/** The object in `proto`'s chain that defines `name` (the base class in mysql2 >= 3.11.5). */
function ownerOf(proto: object | undefined, name: string): object | undefined {
  for (let current = proto; current && current !== Object.prototype; current = Object.getPrototypeOf(current) as object | undefined) {
    if (Object.prototype.hasOwnProperty.call(current, name)) return current;
  }
  return undefined;
}

type Method = 'query' | 'execute' | 'prepared';

function wrapStatement(method: Method, statementOf: (self: any, args: any[]) => { sql?: string; connection?: ConnectionLike } = callOnConnection) {
  return (original: AnyFunction): AnyFunction =>
    function tracedStatement(this: any, ...args: any[]) {
      const { sql, connection } = statementOf(this, args);
      if (sql === undefined) return original.apply(this, args);
      let span: Span | undefined;
      try {
        span = startStatementSpan(connection?.config, sql, instrumentation.options);
      } catch (error) {
        reportFault(`mysql2 ${method}`, error);
      }
      if (!span) return original.apply(this, args);
      const parent = getActiveSpan();
      const call = statementCall(span, instrumentation.options);
      let hasCallback = false;
      try {
        hasCallback = instrumentArguments(args, method, call, parent);
      } catch (error) {
        reportFault(`mysql2 ${method}`, error);
      }
      let command: unknown;
      try {
        command = original.apply(this, args);
      } catch (error) {
        call.end(error);
        throw error;
      }
      if (!hasCallback) observeCommand(command, parent, call);
      return command;
    };
}

function callOnConnection(connection: ConnectionLike, args: any[]): { sql?: string; connection?: ConnectionLike } {
  return { sql: sqlOf(args[0]), connection };
}

/** `statement.execute(values, cb)` on a statement from `connection.prepare()`: its SQL is `statement.query`. */
function callOnPreparedStatement(statement: PreparedStatementLike, _args: any[]): { sql?: string; connection?: ConnectionLike } {
  return { sql: typeof statement?.query === 'string' ? statement.query : undefined, connection: statement?._connection };
}

/**
 * `connection.prepare(sql, cb)` hands out a statement whose `execute` adds commands to the connection directly:
 * wrap that method on each statement (mysql2 reuses them per SQL text, so once each). The callback runs in the
 * caller's context.
 */
function wrapPrepare(original: AnyFunction): AnyFunction {
  return function tracedPrepare(this: ConnectionLike, ...args: any[]) {
    const callback = args[1];
    if (typeof callback !== 'function') return original.apply(this, args);
    const bound = bindToContext(callback, getActiveSpan());
    args[1] = function (this: unknown, error: unknown, statement: unknown) {
      if (!error && statement && typeof statement === 'object') {
        try {
          instrumentation.wrap(statement, 'execute', wrapStatement('prepared', callOnPreparedStatement));
        } catch (fault) {
          reportFault('mysql2 prepare', fault);
        }
      }
      return bound.apply(this, arguments as unknown as unknown[]);
    };
    return original.apply(this, args);
  };
}

/** The SQL text of a query/execute call: a string, `{ sql }` options, or a Query command (from pools). */
function sqlOf(first: unknown): string | undefined {
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && typeof (first as { sql?: unknown }).sql === 'string') return (first as { sql: string }).sql;
  return undefined;
}

function isCommand(value: unknown): value is CommandLike {
  return !!value && typeof value === 'object' && typeof (value as CommandLike).emit === 'function' && 'onResult' in value;
}

/**
 * Make the callback (if any) finish the span and run in the caller's context; add the sqlcommenter comment if
 * enabled. Returns whether the call has a callback (else the command's events end the span).
 */
function instrumentArguments(args: any[], method: Method, call: ClientCall, parent: Span | undefined): boolean {
  if (method === 'prepared') {
    // execute([values], [cb]): the SQL was sent at prepare time, so no comment can be added
    const callbackAt = typeof args[0] === 'function' ? 0 : typeof args[1] === 'function' ? 1 : -1;
    if (callbackAt !== -1) args[callbackAt] = finishingCallback(args[callbackAt], parent, call);
    return callbackAt !== -1;
  }
  const span = call.span;
  const first = args[0];
  const comment = instrumentation.options.sqlCommenter && (method === 'query' || instrumentation.options.sqlCommenterOnExecute);
  if (isCommand(first)) {
    if (comment && typeof first.sql === 'string') first.sql = withTraceComment(first.sql, span);
    if (typeof first.onResult !== 'function') return false;
    first.onResult = finishingCallback(first.onResult, parent, call);
    return true;
  }
  if (comment) args[0] = typeof first === 'string' ? withTraceComment(first, span) : { ...first, sql: withTraceComment(first.sql, span) };
  const callbackAt = typeof args[1] === 'function' ? 1 : typeof args[2] === 'function' ? 2 : -1;
  if (callbackAt === -1) return false;
  args[callbackAt] = finishingCallback(args[callbackAt], parent, call);
  return true;
}

function finishingCallback(callback: AnyFunction, parent: Span | undefined, call: ClientCall): AnyFunction {
  const bound = bindToContext(callback, parent);
  return function (this: unknown, error: unknown) {
    call.end(error);
    return bound.apply(this, arguments as unknown as unknown[]);
  };
}

/**
 * Emitter (streaming) mode: the span ends at the command's `end` or `error` event, observed by intercepting
 * `emit` on this command only, because adding an `error` listener would change what an unhandled error does.
 * The app's listeners run in its own context, not in the connection's.
 */
function observeCommand(command: unknown, parent: Span | undefined, call: ClientCall): void {
  if (!isCommand(command)) {
    call.end();
    return;
  }
  try {
    if (parent) bindEmitterToContext(command as unknown as EventEmitter, parent);
    const emit = command.emit;
    command.emit = function (this: unknown, event: string | symbol, ...rest: unknown[]) {
      if (event === 'end') call.end();
      else if (event === 'error') call.end(rest[0]);
      return emit.apply(this, [event, ...rest]);
    };
  } catch (error) {
    reportFault('mysql2 stream', error);
  }
}

/**
 * A statement a pool runs for the app (`pool.query`, `pool.execute`, and their promise forms, which call them):
 * the pool asks itself for a connection, synchronously, inside that call. If that fails (server down, wrong
 * password, pool closed, queue full) the statement never reaches a connection, so no statement span starts
 * there: the pool's `getConnection` callback then makes it, an error span covering the wait.
 */
interface PoolStatement {
  sql: string;
  parent: Span | undefined;
  startTime: number;
  /** The pool's connection config; null for a cluster namespace, whose node is not known yet. */
  config: ConnectionConfigLike | null;
}
let pendingPoolStatement: PoolStatement | undefined;

function wrapPoolStatement(method: 'query' | 'execute') {
  return (original: AnyFunction): AnyFunction =>
    function tracedPoolStatement(this: PoolLike, ...args: any[]) {
      const parent = getActiveSpan();
      const sql = sqlOf(args[0]);
      const previous = pendingPoolStatement;
      pendingPoolStatement = sql !== undefined && (parent === undefined || isRecording(parent)) ? { sql, parent, startTime: Date.now(), config: this?.config?.connectionConfig ?? null } : undefined;
      let command: unknown;
      try {
        command = original.apply(this, args);
      } finally {
        pendingPoolStatement = previous;
      }
      // `pool.query(sql)` without a callback: the app's listeners on the returned command run in its context.
      if (method === 'query' && parent && isCommand(command) && typeof command.onResult !== 'function') {
        try {
          bindEmitterToContext(command as unknown as EventEmitter, parent);
        } catch (error) {
          reportFault('mysql2 pool query', error);
        }
      }
      return command;
    };
}

/** `pool.getConnection(cb)`: cb runs in the caller's context, even when it waited behind a busy pool. */
function wrapPoolGetConnection(original: AnyFunction): AnyFunction {
  return function tracedGetConnection(this: PoolLike, ...args: any[]) {
    const statement = pendingPoolStatement;
    pendingPoolStatement = undefined;
    if (typeof args[0] !== 'function') return original.apply(this, args);
    const parent = getActiveSpan();
    try {
      if (statement) args[0] = failingStatementCallback(args[0], statement);
      if (parent) args[0] = instrumentation.options.poolWaitSpans ? withPoolWaitSpan(args[0], this, parent) : bindToContext(args[0], parent);
    } catch (error) {
      reportFault('mysql2 getConnection', error);
    }
    return original.apply(this, args);
  };
}

/**
 * A namespace's `getConnection(cb)` (the namespace retries other nodes itself): only its final failure records
 * the statement, and the pools it asks see no pending statement.
 */
function wrapNamespaceGetConnection(original: AnyFunction): AnyFunction {
  return function tracedNamespaceGetConnection(this: unknown, ...args: any[]) {
    const statement = pendingPoolStatement;
    pendingPoolStatement = undefined;
    if (statement && typeof args[0] === 'function') args[0] = failingStatementCallback(args[0], statement);
    return original.apply(this, args);
  };
}

/** The pool's own callback, which records the statement as failed when no connection could be had. */
function failingStatementCallback(callback: AnyFunction, statement: PoolStatement): AnyFunction {
  return function (this: unknown, error: unknown) {
    if (error) recordUnsentStatement(statement.config, statement.sql, instrumentation.options, statement.parent, statement.startTime, error);
    return callback.apply(this, arguments as unknown as unknown[]);
  };
}

function withPoolWaitSpan(callback: AnyFunction, pool: PoolLike, parent: Span): AnyFunction {
  const bound = bindToContext(callback, parent);
  const call = startPoolWait(pool?.config?.connectionConfig);
  if (!call) return bound;
  const startedAt = Date.now();
  return function (this: unknown, error: unknown) {
    endPoolWait(call, startedAt, error);
    return bound.apply(this, arguments as unknown as unknown[]);
  };
}

/** `cluster.getConnection([pattern], [selector], cb)`: cb runs in the caller's context. */
function wrapClusterGetConnection(original: AnyFunction): AnyFunction {
  return function tracedClusterGetConnection(this: unknown, ...args: any[]) {
    const last = args.length - 1;
    const parent = last >= 0 && typeof args[last] === 'function' ? getActiveSpan() : undefined;
    if (parent) args[last] = bindToContext(args[last], parent);
    return original.apply(this, args);
  };
}
