import type { Span } from 'opentracing';
import { callUserHook, ClientCall, reportFault, clientTags as tagsOfClient, isRecording, maskQuotedValues, peerTags, serverPeer, setTags, startClientCall, TAGS, truncateStatement, type ErrorRecording, type Peer, type TagMap } from '@spanwise/trace-core';
import type { ClientLike, CommandLike, IoredisTracingOptions, PipelineLike } from './types';

export const COMPONENT = 'ioredis';
export const DEFAULT_MAX_STATEMENT_LENGTH = 2048;
export const CONNECT_SPAN_NAME = 'connect';
const PACKAGE = '@spanwise/trace-ioredis';
const MAX_KEY_LENGTH = 256;
/** Pipeline command lists in `db.redis.commands` stop after this many names. */
const MAX_LISTED_COMMANDS = 50;

export interface ResolvedOptions {
  statement: NonNullable<IoredisTracingOptions['statement']>;
  maxStatementLength: number;
}

export function resolveOptions(options: IoredisTracingOptions = {}): ResolvedOptions {
  const statement = options.statement;
  return {
    statement: statement === 'command' || typeof statement === 'function' ? statement : 'key',
    maxStatementLength: options.maxStatementLength && options.maxStatementLength > 0 ? options.maxStatementLength : DEFAULT_MAX_STATEMENT_LENGTH,
  };
}

const upperNames = new Map<string, string>();

/** `get` → `GET`, cached (command names are few). */
export function commandName(name: string): string {
  let upper = upperNames.get(name);
  if (upper === undefined) {
    upper = String(name).toUpperCase();
    if (upperNames.size < 1000) upperNames.set(name, upper);
  }
  return upper;
}

/** A span for one command, child of the active span; undefined outside a trace. */
export function startCommandSpan(client: ClientLike, command: CommandLike, options: ResolvedOptions): Span | undefined {
  const name = commandName(command.name);
  const span = startClientCall(name, clientTags(client));
  if (span && isRecording(span)) {
    const statement = commandStatement(name, command, options);
    if (statement !== undefined) span.setTag(TAGS.DB_STATEMENT, statement);
  }
  return span;
}

/** Per client: built once, rebuilt when SELECT changed its db. */
const tagCache = new WeakMap<object, { db: unknown; tags: TagMap }>();

/** Tags of the client: component, db number, user, and (for a single-node client) the peer. Shared: do not mutate. */
export function clientTags(client: ClientLike): TagMap {
  if (!client || typeof client !== 'object') return buildClientTags({});
  const db = client.condition?.select;
  const cached = tagCache.get(client);
  if (cached && cached.db === db) return cached.tags;
  const tags = buildClientTags(client);
  tagCache.set(client, { db, tags });
  return tags;
}

function buildClientTags(client: ClientLike): TagMap {
  const options = client?.options ?? {};
  const tags: TagMap = { [TAGS.DB_TYPE]: 'redis', [TAGS.DB_USER]: options.username || undefined };
  if (client?.isCluster) {
    tags['db.redis.cluster'] = true;
    return tagsOfClient(COMPONENT, undefined, tags);
  }
  tags[TAGS.DB_INSTANCE] = String(client?.condition?.select ?? options.db ?? 0);
  return tagsOfClient(COMPONENT, nodePeer(client), tags);
}

/** Where a single-node client connects (cluster commands get it from the node that sends them). */
function nodePeer(client: ClientLike): Peer {
  const options = client?.options ?? {};
  return serverPeer({ host: options.host, port: options.port, socketPath: options.path }, 6379);
}

/** A cluster command's span learns the node it was finally sent to. */
export function addNodePeer(span: Span, client: ClientLike): void {
  try {
    if (isRecording(span)) setTags(span, peerTags(nodePeer(client)));
  } catch (error) {
    reportFault('ioredis peer', error);
  }
}

/** `GET user:1`: the command and its first key only, per the `statement` option. */
export function commandStatement(name: string, command: CommandLike, options: ResolvedOptions): string | undefined {
  if (options.statement === 'command') return name;
  const keys = keysOf(command);
  if (typeof options.statement === 'function') {
    const custom = callUserHook(PACKAGE, 'statement', options.statement, name, keys);
    return typeof custom === 'string' ? truncateStatement(custom, options.maxStatementLength) : undefined;
  }
  return truncateStatement(keys.length ? `${name} ${keys[0]}` : name, options.maxStatementLength);
}

/** The command's keys as ioredis knows them from the Redis command table; none for AUTH, HELLO, CLIENT... */
function keysOf(command: CommandLike): string[] {
  let keys: unknown[];
  try {
    keys = typeof command.getKeys === 'function' ? command.getKeys() : [];
  } catch {
    keys = [];
  }
  return keys.map((key) => {
    const text = Buffer.isBuffer(key) ? key.toString('utf8') : String(key);
    return text.length > MAX_KEY_LENGTH ? text.slice(0, MAX_KEY_LENGTH) + '...' : text;
  });
}


/** Redis error replies start with a code: `WRONGTYPE ...`, `ERR ...`, `NOSCRIPT ...`. */
function errorFields(error: unknown): TagMap {
  const message = (error as { message?: unknown })?.message;
  const code = typeof message === 'string' ? /^([A-Z][A-Z_]+) /.exec(message)?.[1] : undefined;
  return { 'db.error.code': code };
}

/** Command names Redis quotes in its errors (`for 'get' command`, `unknown command 'x'`): kept, unlike arguments. */
const COMMAND_NAMES = /(?<=\bunknown command )'[^'\s]{1,64}'(?=[,\s]|$)|(?<=\b(?:for|in) )'[^'\s]{1,64}'(?= command\b)/g;
const ARGS_ECHO = 'with args beginning with:';

/**
 * Redis error replies quote arguments raw: `ERR unknown command 'x', with args beginning with: 'secret'`,
 * `ERR unknown subcommand 'secret'. Try CONFIG HELP.`, Lua errors naming values. Every quoted fragment but a
 * command name is masked, and the echoed argument list is dropped whole.
 */
export function maskReplyMessage(message: string): string {
  const echo = message.indexOf(ARGS_ECHO);
  if (echo !== -1) return maskQuotedValues(message.slice(0, echo), COMMAND_NAMES) + ARGS_ECHO + ' ?';
  return maskQuotedValues(message, COMMAND_NAMES);
}

/** A failed command's span gets a look-alike error with argument values masked; the app's error object is untouched. */
const REPLY_ERRORS: ErrorRecording = { maskMessage: maskReplyMessage, fields: errorFields };

/** A command or pipeline in flight: its span ends once, with the (masked) error if it failed. */
export function redisCall(span: Span): ClientCall {
  return new ClientCall(span, REPLY_ERRORS);
}

/** One span for a whole pipeline (`PIPELINE`) or transaction (`MULTI`), its commands listed in tags. */
export function startPipelineSpan(pipeline: PipelineLike, options: ResolvedOptions): Span | undefined {
  const queue = pipeline._queue ?? [];
  const transaction = queue.length > 0 && queue[0].name === 'multi';
  const span = startClientCall(transaction ? 'MULTI' : 'PIPELINE', clientTags(pipeline.redis ?? {}));
  if (!span || !isRecording(span)) return span;
  const commands = queue.filter((c) => c.name !== 'multi' && c.name !== 'exec');
  const names = commands.slice(0, MAX_LISTED_COMMANDS).map((c) => commandName(c.name));
  if (commands.length > MAX_LISTED_COMMANDS) names.push('...');
  const statements = options.statement === 'command' ? names : commands.map((c) => commandStatement(commandName(c.name), c, options)).filter((s): s is string => s !== undefined);
  setTags(span, {
    'db.redis.pipeline_length': commands.length,
    'db.redis.commands': names.join(' '),
    [TAGS.DB_STATEMENT]: truncateStatement(statements.join('\n'), options.maxStatementLength),
  });
  return span;
}

/** A pipeline resolves with `[error, reply]` per command: failed commands mark the span and are counted. */
export function endPipeline(call: ClientCall, results: unknown): void {
  if (call.done) return;
  let failed = 0;
  let first: unknown;
  if (Array.isArray(results)) {
    for (const result of results) {
      if (Array.isArray(result) && result[0]) {
        failed++;
        first ??= result[0];
      }
    }
  }
  if (failed > 0) call.span.setTag('db.redis.failed_commands', failed);
  call.end(first);
}

/** A span for a connection made inside a request (lazyConnect, or connect() called by the app). */
export function startConnectSpan(client: ClientLike): Span | undefined {
  return startClientCall(CONNECT_SPAN_NAME, clientTags(client));
}
