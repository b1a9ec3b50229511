import type { ClientRequest, IncomingMessage } from 'http';
import { isIP } from 'net';
import type { Span } from 'opentracing';
import {
  TAGS,
  finishSpan,
  getActiveSpan,
  getConfig,
  getRedactor,
  injectHeaders,
  isRecording,
  isTracingSuppressed,
  recordError,
  reportFault,
  setTags,
  startClientSpan,
} from '@spanwise/trace-core';
import { fullUrl, parseHttpCall } from './arguments';
import type { HttpClientOptions, HttpComponent, IgnoreMatcher, OutgoingRequestInfo } from './types';

/** Span logic of outgoing HTTP calls: which calls are traced, their tags, headers, and when the span ends. */

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT']);

/** One traced request: its span ends exactly once. */
interface CallState {
  readonly span: Span;
  readonly info: OutgoingRequestInfo;
  readonly options: HttpClientOptions;
  done: boolean;
  response?: IncomingMessage;
}

/** Cheap first test, before any parsing: suppressed, or no parent while client spans need one. */
function mayTrace(): boolean {
  return !isTracingSuppressed() && (getActiveSpan() !== undefined || !getConfig().requireParent);
}

export function isIgnored(info: OutgoingRequestInfo, ignore: HttpClientOptions['ignore']): boolean {
  if (ignore === undefined) return false;
  const rules = Array.isArray(ignore) ? ignore : [ignore];
  return rules.some((rule) => matches(rule, info));
}

function matches(rule: IgnoreMatcher, info: OutgoingRequestInfo): boolean {
  try {
    if (typeof rule === 'function') return rule(info.url, info) === true;
    if (rule instanceof RegExp) return rule.test(info.url);
    if (typeof rule !== 'string') return false;
    if (rule.includes('://')) return info.url.startsWith(rule);
    return rule === info.hostname || rule === `${info.hostname}:${info.port}`;
  } catch (error) {
    reportFault('http ignore rule', error);
    return false;
  }
}

/** `HTTP GET`; methods outside the standard set share one name so names stay few. */
export function operationName(method: string): string {
  return KNOWN_METHODS.has(method) ? `HTTP ${method}` : 'HTTP';
}

function startRequestSpan(info: OutgoingRequestInfo, auth: string | undefined, options: HttpClientOptions): Span | undefined {
  const span = startClientSpan(operationName(info.method));
  if (!span || !isRecording(span)) return span;
  const ipVersion = isIP(info.hostname);
  setTags(span, {
    [TAGS.COMPONENT]: info.component,
    [TAGS.HTTP_METHOD]: info.method,
    [TAGS.HTTP_URL]: redactedUrl(info, auth),
    [TAGS.PEER_HOSTNAME]: info.hostname,
    [TAGS.PEER_PORT]: info.port,
    [TAGS.PEER_HOST_IPV4]: ipVersion === 4 ? info.hostname : undefined,
    [TAGS.PEER_HOST_IPV6]: ipVersion === 6 ? info.hostname : undefined,
    [TAGS.PEER_ADDRESS]: info.socketPath,
  });
  if (options.requestHook) runHook('http requestHook', () => options.requestHook!(span, info));
  return span;
}

/** The URL as recorded: userinfo (kept only so the redactor marks it) and secret query values replaced. */
export function redactedUrl(info: Pick<OutgoingRequestInfo, 'url'>, auth: string | undefined): string {
  const url = auth === undefined ? info.url : info.url.replace('//', `//${auth}@`);
  return getRedactor().url(url);
}

function runHook(where: string, hook: () => void): void {
  try {
    hook();
  } catch (error) {
    reportFault(where, error);
  }
}

/**
 * A copy of the caller's headers (object, array of [name, value] pairs, or flat array) with the trace
 * headers of `span` added; headers the caller set (any case) are kept as they are.
 */
export function headersWithTrace(span: Span, callerHeaders: unknown): unknown {
  const trace: Record<string, unknown> = {};
  injectHeaders(span, trace);
  if (Array.isArray(callerHeaders)) return appendToArray(callerHeaders, trace);
  const copy: Record<string, unknown> = { ...(callerHeaders as Record<string, unknown> | undefined) };
  const taken = new Set(Object.keys(copy).map((name) => name.toLowerCase()));
  for (const name of Object.keys(trace)) if (!taken.has(name.toLowerCase())) copy[name] = trace[name];
  return copy;
}

function appendToArray(callerHeaders: unknown[], trace: Record<string, unknown>): unknown[] {
  const pairs = Array.isArray(callerHeaders[0]);
  const taken = new Set<string>();
  if (pairs) for (const pair of callerHeaders as unknown[][]) taken.add(String(pair[0]).toLowerCase());
  else for (let i = 0; i < callerHeaders.length; i += 2) taken.add(String(callerHeaders[i]).toLowerCase());
  const copy = callerHeaders.slice();
  for (const name of Object.keys(trace)) {
    if (taken.has(name.toLowerCase())) continue;
    if (pairs) copy.push([name, trace[name]]);
    else copy.push(name, trace[name]);
  }
  return copy;
}

/** A traced http(s).request/get call: the arguments to call the original with, and what to do with its outcome. */
export interface TracedHttpCall {
  args: unknown[];
  /** The original threw synchronously. */
  fail(error: unknown): void;
  /** The original returned its ClientRequest. */
  observe(req: ClientRequest): void;
}

/** Undefined when the call is not traced (the original must then get the caller's arguments). Never throws. */
export function startHttpCall(component: HttpComponent, args: ArrayLike<unknown>, options: HttpClientOptions): TracedHttpCall | undefined {
  let state: CallState | undefined;
  try {
    if (!mayTrace()) return undefined;
    const call = parseHttpCall(component, args);
    if (!call || isIgnored(call.info, options.ignore)) return undefined;
    const span = startRequestSpan(call.info, call.auth, options);
    if (!span) return undefined;
    state = { span, info: call.info, options, done: false };
    const traced = state;
    return {
      args: call.argsWithHeaders(headersWithTrace(span, call.headers)),
      fail: (error) => fail(traced, error),
      observe: (req) => observeRequest(req, traced),
    };
  } catch (error) {
    // An invalid URL lands here too: the original then throws its own error, untraced.
    if (state) end(state);
    if ((error as { code?: unknown } | null)?.code !== 'ERR_INVALID_URL') reportFault('http client span', error);
    return undefined;
  }
}

function fail(state: CallState, error: unknown): void {
  recordError(state.span, error);
  end(state);
}

function end(state: CallState): void {
  if (state.done) return;
  state.done = true;
  finishSpan(state.span);
}

function setStatus(state: CallState, statusCode: number | undefined): void {
  if (typeof statusCode !== 'number' || !isRecording(state.span)) return;
  state.span.setTag(TAGS.HTTP_STATUS_CODE, statusCode);
  if (statusCode >= 500) state.span.setTag(TAGS.ERROR, true);
  const hook = state.options.responseHook;
  if (hook) runHook('http responseHook', () => hook(state.span, state.info, statusCode));
}

/**
 * Events are observed by wrapping the instance's `emit` rather than by adding listeners: a listener would
 * change what Node does (a 'response' listener stops the unread response from being dumped, an 'error'
 * listener swallows an error the app does not handle).
 */
function interceptEmit(emitter: { emit: (event: string | symbol, ...args: unknown[]) => boolean }, state: CallState, onEvent: (state: CallState, event: string | symbol, arg: unknown) => void): void {
  const emit = emitter.emit;
  emitter.emit = function (this: unknown, event: string | symbol, arg?: unknown): boolean {
    if (!state.done) {
      try {
        onEvent(state, event, arg);
      } catch (error) {
        reportFault('http client events', error);
      }
    }
    // eslint-disable-next-line prefer-rest-params
    return emit.apply(this, arguments as unknown as [string | symbol, ...unknown[]]);
  };
}

function observeRequest(req: ClientRequest, state: CallState): void {
  try {
    if (!req || typeof req.emit !== 'function') return end(state);
    interceptEmit(req, state, onRequestEvent);
  } catch (error) {
    reportFault('http client request', error);
    end(state);
  }
}

function onRequestEvent(state: CallState, event: string | symbol, arg: unknown): void {
  switch (event) {
    case 'response': {
      const res = arg as IncomingMessage;
      state.response = res;
      setStatus(state, res.statusCode);
      interceptEmit(res, state, onResponseEvent);
      return;
    }
    case 'error':
      return fail(state, arg);
    case 'timeout':
      if (isRecording(state.span)) state.span.log({ event: 'timeout', message: 'the socket was idle longer than the request timeout' });
      return;
    case 'abort':
      state.span.setTag(TAGS.HTTP_ABORTED, true);
      return fail(state, new Error('request aborted'));
    case 'close':
      // With a response, the span ends with the response; without one, an error or abort already ended it.
      if (!state.response) end(state);
      return;
  }
}

function onResponseEvent(state: CallState, event: string | symbol, arg: unknown): void {
  switch (event) {
    case 'end':
      return end(state);
    case 'error':
      return fail(state, arg);
    case 'close':
      // Closed before its end: the connection dropped mid-response, or the app destroyed it.
      state.span.setTag(TAGS.HTTP_ABORTED, true);
      return fail(state, new Error('response aborted before its end'));
  }
}

/* ---------------------------------------------------------------- fetch (undici) */

/** The parts of undici's Request that the diagnostics channel messages carry. */
export interface UndiciRequest {
  origin?: unknown;
  method?: unknown;
  path?: unknown;
  headers?: unknown;
  addHeader?: (name: string, value: string) => unknown;
}

const fetchCalls = new WeakMap<object, CallState>();

/** `undici:request:create`: start the span and add the trace headers. */
export function onFetchCreate(request: UndiciRequest, options: HttpClientOptions): void {
  if (!request || typeof request !== 'object' || !mayTrace()) return;
  const info = describeFetch(request);
  if (!info || isIgnored(info, options.ignore)) return;
  const span = startRequestSpan(info, undefined, options);
  if (!span) return;
  fetchCalls.set(request, { span, info, options, done: false });
  addFetchHeaders(request, span);
}

function describeFetch(request: UndiciRequest): OutgoingRequestInfo | undefined {
  if (request.origin === undefined || typeof request.path !== 'string') return undefined;
  const origin = new URL(String(request.origin));
  const protocol = origin.protocol;
  const hostname = origin.hostname.startsWith('[') ? origin.hostname.slice(1, -1) : origin.hostname;
  const port = Number(origin.port) || (protocol === 'https:' ? 443 : 80);
  const method = String(request.method ?? 'GET').toUpperCase();
  return { component: 'fetch', method, protocol, hostname, port, path: request.path, url: fullUrl(protocol, hostname, port, request.path) };
}

function addFetchHeaders(request: UndiciRequest, span: Span): void {
  if (typeof request.addHeader !== 'function') return;
  const trace: Record<string, unknown> = {};
  injectHeaders(span, trace);
  const taken = undiciHeaderNames(request.headers);
  for (const name of Object.keys(trace)) if (!taken.has(name.toLowerCase())) request.addHeader(name, String(trace[name]));
}

/** undici 6 keeps headers as a flat [name, value, ...] array, undici 5 as raw `name: value\r\n` text. */
function undiciHeaderNames(headers: unknown): Set<string> {
  const names = new Set<string>();
  if (Array.isArray(headers)) for (let i = 0; i < headers.length; i += 2) names.add(String(headers[i]).toLowerCase());
  else if (typeof headers === 'string') for (const line of headers.split('\r\n')) names.add(line.slice(0, line.indexOf(':')).trim().toLowerCase());
  return names;
}

/** `undici:request:headers`: the response status. */
export function onFetchHeaders(request: object, response: { statusCode?: unknown } | undefined): void {
  const state = fetchCalls.get(request);
  if (state && response) setStatus(state, Number(response.statusCode));
}

/** `undici:request:trailers`: the response body was received. */
export function onFetchEnd(request: object): void {
  const state = fetchCalls.get(request);
  if (!state) return;
  fetchCalls.delete(request);
  end(state);
}

/** `undici:request:error`: network error or abort. */
export function onFetchError(request: object, error: unknown): void {
  const state = fetchCalls.get(request);
  if (!state) return;
  fetchCalls.delete(request);
  fail(state, error);
}
