import { IncomingMessage, ServerResponse } from 'http';
import type { Span } from 'opentracing';
import { runInSpan } from './context';
import { callUserHook, reportHookFault } from './hooks';
import { wallClockMs } from './jaeger';
import { log, reportFault, warnOnce } from './logger';
import { objectSlot, type ObjectSlot } from './object-slot';
import { optionKeys } from './options';
import { optionRules, type OptionRule, type OptionRules } from './patching/define';
import { extractContext, finishSpan, isRecording, recordError, startSpan, TAGS } from './spans';
import { getRedactor } from './tracer';

/**
 * One server span per request, shared by every layer that sees the request (a plain http-server layer,
 * framework middlewares): the first layer creates the record on the request, later ones adopt it and
 * only refine it (component, route). Framework packages are thin adapters over this.
 */
export type IgnoreRule = string | RegExp | ((req: IncomingMessage) => boolean);

export interface ServerSpanOptions {
  /** Requests not traced: exact paths, patterns over the path, or predicates (e.g. health checks). */
  ignore?: IgnoreRule | IgnoreRule[];
  /** Name the span yourself; default `METHOD /route/:pattern`. */
  operationName?: (req: IncomingMessage, route: string | undefined) => string;
  /** Called when the span starts, to add tags. */
  requestHook?: (span: Span, req: IncomingMessage, res: ServerResponse) => void;
  /** Called before the span finishes. */
  responseHook?: (span: Span, req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Request headers recorded as `http.request.header.<name>` tags. Credential headers (Authorization, Cookie...)
   * never are; headers whose names look secret (`x-api-key`, `x-auth-token`, `x-session-id`...) are recorded as
   * `REDACTED` unless listed in the `redaction.recordSecretHeaders` option of `init()`.
   */
  headersAsTags?: string[];
}

/** The keys of ServerSpanOptions, for the option check of every framework adapter. */
export const SERVER_SPAN_OPTION_KEYS = optionKeys<ServerSpanOptions>({ ignore: true, operationName: true, requestHook: true, responseHook: true, headersAsTags: true });

const IGNORE_RULE: OptionRule = { expected: 'a path, a RegExp or a function', test: (value) => typeof value === 'string' || value instanceof RegExp || typeof value === 'function' };

/** The checks of the server-span options every framework package (and the plain http server) takes. */
export const SERVER_SPAN_OPTION_RULES: OptionRules<ServerSpanOptions> = {
  ignore: optionRules.oneOrMany(IGNORE_RULE),
  operationName: optionRules.function,
  requestHook: optionRules.function,
  responseHook: optionRules.function,
  headersAsTags: { expected: 'an array of header names', test: (value) => Array.isArray(value) && value.every((name) => typeof name === 'string') },
};

export interface RequestRecord {
  readonly span: Span;
  /** `component` tag: the framework that handles the request. */
  component: string;
  /** The matched route pattern, set by the framework adapter. */
  route?: string;
  /** The first error the app's code raised while handling the request. */
  error?: unknown;
  options: ServerSpanOptions;
  finished: boolean;
  /** Reads the route when the span ends (frameworks whose router matches after the adapter ran); see `resolveRouteAtEnd`. */
  routeResolver?: (source: any) => string | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any -- each framework passes its own request object
  routeSource?: unknown;
  /** When the app called `res.end()`: the span's end (wall-clock ms), taken before the response's bytes go out. */
  endTime?: number;
}

/** Marks a request the `ignore` option excluded. */
const IGNORED = 'ignored';
type RequestState = RequestRecord | typeof IGNORED;

/**
 * Each traced request's record, kept in a slot of the request (its response finds it through `res.req`): nothing on
 * the objects the app inspects (`util.inspect`, `assert.deepStrictEqual`, `Object.getOwnPropertySymbols`). Shared
 * through the global symbol registry by every copy of this module in the process.
 */
const registry = globalThis as { [key: symbol]: ObjectSlot<RequestState> | undefined };
const REQUEST_STATES_KEY = Symbol.for('spanwise.request.state-slot');
const requestStates = (registry[REQUEST_STATES_KEY] ??= objectSlot<RequestState>());

export function getRequestRecord(req: IncomingMessage | undefined): RequestRecord | undefined {
  const state = requestStates.get(req as object);
  return state === IGNORED ? undefined : state;
}

function responseRecord(res: ServerResponse): RequestRecord | undefined {
  return getRequestRecord(res.req);
}

/** The server span of `req`, for handlers that want to tag it. */
export function getRequestSpan(req: IncomingMessage | undefined): Span | undefined {
  return getRequestRecord(req)?.span;
}

/**
 * Start (or adopt) the server span of `req`. Returns undefined for ignored requests or when tracing fails;
 * the request then runs untraced.
 */
export function startServerSpan(req: IncomingMessage, res: ServerResponse, component: string, options: ServerSpanOptions = {}): RequestRecord | undefined {
  const existing = requestStates.get(req);
  if (existing === IGNORED) return undefined;
  try {
    if (matchesIgnore(req, options.ignore, component)) {
      requestStates.set(req, IGNORED);
      // A lower layer already started the span: it is never finished, so never reported.
      if (existing) existing.finished = true;
      return undefined;
    }
    if (existing) return adopt(existing, req, res, component, options);
    return create(req, res, component, options);
  } catch (error) {
    reportFault(`${component} server span`, error);
    return undefined;
  }
}

function adopt(record: RequestRecord, req: IncomingMessage, res: ServerResponse, component: string, options: ServerSpanOptions): RequestRecord {
  record.component = component;
  record.options = options;
  record.span.setTag(TAGS.COMPONENT, component);
  if (isRecording(record.span)) applyRequestOptions(record.span, req, res, options);
  return record;
}

function create(req: IncomingMessage, res: ServerResponse, component: string, options: ServerSpanOptions): RequestRecord {
  const method = req.method ?? 'GET';
  const span = startSpan(method, extractContext(req.headers), undefined, TAGS.SPAN_KIND_RPC_SERVER);
  const record: RequestRecord = { span, component, options, finished: false };
  requestStates.set(req, record);
  if (isRecording(span)) {
    span.setTag(TAGS.COMPONENT, component);
    span.setTag(TAGS.HTTP_METHOD, method);
    span.setTag(TAGS.HTTP_URL, getRedactor().url(req.url ?? '/'));
    setPeerTags(span, req);
    applyRequestOptions(span, req, res, options);
  }
  patchPrototypesOnce();
  // Responses of another class (an HTTP/2 compatibility response, a test double) do not inherit the prototype hook.
  if (!(res instanceof ServerResponse)) listenForResponseEnd(res);
  return record;
}

function listenForResponseEnd(res: ServerResponse): void {
  res.on('prefinish', onResponseFinish);
  res.on('close', onResponseClose);
}

function onResponseFinish(this: ServerResponse): void {
  finishServerSpan(this, false);
}

function onResponseClose(this: ServerResponse): void {
  finishServerSpan(this, !(this.writableFinished ?? this.finished));
}

let prototypesPatched = false;

function patchPrototypesOnce(): void {
  if (prototypesPatched) return;
  prototypesPatched = true;
  bindRequestEvents();
  recordEndTimes();
  finishOnResponseEvents();
}

/**
 * The span ends when the app ended the response (the time res.end() was called, so it never outlasts the caller's
 * client span, however busy this process is afterwards), finished once the response is handed to the socket
 * ('prefinish'); 'finish' and 'close' come later. 'close' alone ends aborted requests. One prototype hook, run before
 * the response's listeners, instead of two listeners added to every response.
 */
function finishOnResponseEvents(): void {
  const proto = ServerResponse.prototype as ServerResponse & { emit: (...args: unknown[]) => boolean };
  const emit = proto.emit;
  proto.emit = function emitFinishingSpan(this: ServerResponse, event: unknown): boolean {
    if (event === 'prefinish') onResponseFinish.call(this);
    else if (event === 'close') onResponseClose.call(this);
    return emit.apply(this, arguments as unknown as unknown[]);
  };
}

/**
 * The request stream's events (body chunks, 'end') are emitted from the socket, outside the request's context:
 * code reading the body would lose the span. Run every traced request's listeners with its span active. Patched once
 * on the prototype (a symbol lookup for untraced requests) rather than per request.
 */
function bindRequestEvents(): void {
  const proto = IncomingMessage.prototype as IncomingMessage & { emit: (...args: unknown[]) => boolean };
  const emit = proto.emit;
  proto.emit = function emitInRequestSpan(this: IncomingMessage) {
    const record = getRequestRecord(this);
    // No listener for the event (most of a GET's): no context to enter.
    if (record === undefined || record.finished || this.listenerCount(arguments[0] as string | symbol) === 0) return emit.apply(this, arguments as unknown as unknown[]);
    return runInSpan(record.span, emit, this, arguments as unknown as unknown[]) as boolean;
  };
}

/** The time each traced response's `end()` is first called, before it writes: one prototype patch, a symbol lookup. */
function recordEndTimes(): void {
  const proto = ServerResponse.prototype as unknown as { end: (...args: unknown[]) => unknown };
  const original = proto.end;
  // Same name and arity as the original: code that inspects res.end sees no difference.
  proto.end = function end(this: ServerResponse, _chunk?: unknown, _encoding?: unknown, _callback?: unknown): unknown {
    const record = responseRecord(this);
    if (record !== undefined && record.endTime === undefined && !record.finished) record.endTime = wallClockMs();
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

function applyRequestOptions(span: Span, req: IncomingMessage, res: ServerResponse, options: ServerSpanOptions): void {
  if (options.headersAsTags) tagHeaders(span, req, options.headersAsTags);
  if (options.requestHook) callUserHook(ownerOf(getRequestRecord(req)?.component), 'requestHook', options.requestHook, span, req, res);
}

/** The package whose options a server span uses: the framework adapter, or the register's plain http-server layer. */
function ownerOf(component: string | undefined): string {
  return component === 'express' || component === 'koa' || component === 'fastify' ? `@spanwise/trace-${component}` : '@spanwise/trace-auto';
}

function setPeerTags(span: Span, req: IncomingMessage): void {
  const socket = req.socket;
  if (!socket) return;
  const address = socket.remoteAddress;
  if (address) {
    if (address.startsWith('::ffff:')) span.setTag(TAGS.PEER_HOST_IPV4, address.slice(7));
    else if (address.includes(':')) span.setTag(TAGS.PEER_HOST_IPV6, address);
    else span.setTag(TAGS.PEER_HOST_IPV4, address);
  }
  if (socket.remotePort) span.setTag(TAGS.PEER_PORT, socket.remotePort);
}

function tagHeaders(span: Span, req: IncomingMessage, names: string[]): void {
  const redactor = getRedactor();
  for (const name of names) {
    const lower = name.toLowerCase();
    const policy = redactor.headerPolicy(lower);
    if (policy === 'drop') {
      warnOnce(`headersAsTags:${lower}`, `headersAsTags: the "${lower}" header holds credentials and is never recorded`);
      continue;
    }
    const value = req.headers[lower];
    if (value === undefined) continue;
    span.setTag(`http.request.header.${lower}`, policy === 'redact' ? redactor.replacementText : Array.isArray(value) ? value.join(', ') : value);
  }
}

/** Record the route pattern that matched (`/users/:id`, nested routers joined). */
export function setRoute(req: IncomingMessage, route: string): void {
  const record = getRequestRecord(req);
  if (record) record.route = route;
}

/**
 * Name the span from `resolver(source)` when it ends, unless a route was set before: for frameworks whose router
 * matches after the adapter ran (Koa). A module-level resolver and the framework's context: no closure per request.
 */
export function resolveRouteAtEnd<S>(req: IncomingMessage, resolver: (source: S) => string | undefined, source: S): void {
  const record = getRequestRecord(req);
  if (!record) return;
  record.routeResolver = resolver;
  record.routeSource = source;
}

function resolveRoute(record: RequestRecord): void {
  if (record.route !== undefined || !record.routeResolver) return;
  try {
    const route = record.routeResolver(record.routeSource);
    if (route !== undefined) record.route = route;
  } catch (error) {
    reportFault(`${record.component} route`, error);
  }
}

/**
 * Remember an error raised by the app's handlers; the first one is logged on the span when it finishes.
 * Errors that carry a 4xx status (http-errors style `status`/`statusCode`, or ENOENT answered as 404) are the
 * client's mistake, not the service's failure: they are not recorded (the 4xx status code is on the span).
 */
export function recordRequestError(req: IncomingMessage, error: unknown): void {
  const record = getRequestRecord(req);
  if (record && record.error === undefined && !isClientError(error)) record.error = error ?? new Error('unknown error');
}

/** True for errors that carry a 4xx HTTP status. */
export function isClientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status, statusCode, code } = error as { status?: unknown; statusCode?: unknown; code?: unknown };
  if (code === 'ENOENT') return true;
  const httpStatus = typeof status === 'number' ? status : statusCode;
  return typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500;
}

function finishServerSpan(res: ServerResponse, aborted: boolean): void {
  const record = responseRecord(res);
  if (!record || record.finished) return;
  record.finished = true;
  const span = record.span;
  // Not sampled: nothing of the span will be reported, so no name, tags or hooks to compute.
  if (!isRecording(span)) return finishSpan(span);
  try {
    const req = res.req;
    resolveRoute(record);
    span.setOperationName(operationName(record, req));
    // Naming a span whose sampling was not final (adaptive samplers) may have decided against it.
    if (isRecording(span)) tagResponse(record, span, req, res, aborted);
  } catch (error) {
    reportFault('finishing server span', error);
  }
  finishSpan(span, aborted ? undefined : record.endTime);
  if (log.isDebugEnabled()) log.debug(`server span finished: ${record.component} ${record.route ?? ''}`);
}

function tagResponse(record: RequestRecord, span: Span, req: IncomingMessage, res: ServerResponse, aborted: boolean): void {
  if (record.route) span.setTag(TAGS.HTTP_ROUTE, record.route);
  span.setTag(TAGS.HTTP_STATUS_CODE, res.statusCode);
  if (aborted) {
    span.setTag(TAGS.HTTP_ABORTED, true);
    span.log({ event: 'aborted', message: 'the connection closed before the response was sent' });
  }
  if (record.error !== undefined) recordError(span, record.error);
  else if (res.statusCode >= 500) span.setTag(TAGS.ERROR, true);
  if (record.options.responseHook) callUserHook(ownerOf(record.component), 'responseHook', record.options.responseHook, span, req, res);
}

function operationName(record: RequestRecord, req: IncomingMessage): string {
  const method = req.method ?? 'GET';
  const custom = record.options.operationName;
  if (custom) {
    const name = callUserHook(ownerOf(record.component), 'operationName', custom, req, record.route);
    if (typeof name === 'string' && name) return name;
  }
  // Never the raw path: it would give every id its own operation.
  return record.route ? `${method} ${record.route}` : `${method} (unmatched)`;
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function matchesIgnore(req: IncomingMessage, rules: ServerSpanOptions['ignore'], component: string): boolean {
  if (rules === undefined) return false;
  const list = Array.isArray(rules) ? rules : [rules];
  if (list.length === 0) return false;
  const path = pathOf(req);
  for (const rule of list) {
    if (typeof rule === 'string' ? rule === path : rule instanceof RegExp ? rule.test(path) : safePredicate(rule, req, component)) return true;
  }
  return false;
}

function safePredicate(rule: (req: IncomingMessage) => boolean, req: IncomingMessage, component: string): boolean {
  try {
    return rule(req) === true;
  } catch (error) {
    reportHookFault(ownerOf(component), 'ignore', error);
    return false;
  }
}
