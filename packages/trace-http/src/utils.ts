import type { ClientRequest, IncomingMessage } from 'http';
import { isIP } from 'net';
import type { Span } from 'opentracing';
import {
  TAGS,
  callUserHook,
  ClientCall,
  getActiveSpan,
  getConfig,
  injectHeaders,
  isRecording,
  isTracingSuppressed,
  peerTags,
  redactUrl,
  reportFault,
  setTags,
  startClientSpan,
  urlPeer,
} from '@spanwise/trace-core';
import { fullUrl, parseHttpCall } from './arguments';
import type { HttpClientOptions, HttpComponent, IgnoreMatcher, OutgoingRequestInfo } from './types';

/** Span logic of outgoing HTTP calls: which calls are traced, their tags, headers, and when the span ends. */

const PACKAGE = '@spanwise/trace-http';
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT']);

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
  const tags = {
    [TAGS.COMPONENT]: info.component,
    [TAGS.HTTP_METHOD]: info.method,
    [TAGS.HTTP_URL]: redactedUrl(info, auth),
    [TAGS.PEER_HOST_IPV4]: ipVersion === 4 ? info.hostname : undefined,
    [TAGS.PEER_HOST_IPV6]: ipVersion === 6 ? info.hostname : undefined,
  };
  setTags(span, peerTags({ hostname: info.hostname, port: info.port, address: info.socketPath }, tags));
  if (options.requestHook) callUserHook(PACKAGE, 'requestHook', options.requestHook, span, info);
  return span;
}

/** The URL as recorded: userinfo (kept only so the redactor marks it) and secret query values replaced. */
export function redactedUrl(info: Pick<OutgoingRequestInfo, 'url'>, auth: string | undefined): string {
  const url = auth === undefined ? info.url : info.url.replace('//', `//${auth}@`);
  return redactUrl(url);
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

/** One traced request (http, https or fetch): its span ends exactly once. */
export class HttpCall extends ClientCall {
  private response: IncomingMessage | undefined;

  constructor(
    span: Span,
    private readonly info: OutgoingRequestInfo,
    private readonly options: HttpClientOptions,
  ) {
    super(span);
  }

  setStatus(statusCode: unknown): void {
    if (typeof statusCode !== 'number' || !isRecording(this.span)) return;
    this.span.setTag(TAGS.HTTP_STATUS_CODE, statusCode);
    if (statusCode >= 500) this.span.setTag(TAGS.ERROR, true);
    const hook = this.options.responseHook;
    if (hook) callUserHook(PACKAGE, 'responseHook', hook, this.span, this.info, statusCode);
  }

  /** End the span with `error` (once: a later end does nothing). */
  fail(error: unknown): void {
    this.end(error);
  }

  /** Follow the ClientRequest the original returned until the exchange is over. */
  observe(req: ClientRequest): void {
    try {
      if (!req || typeof req.emit !== 'function') {
        this.end();
        return;
      }
      this.interceptEmit(req, this.onRequestEvent);
    } catch (error) {
      reportFault('http client request', error);
      this.end();
    }
  }

  /**
   * Events are observed by wrapping the instance's `emit` rather than by adding listeners: a listener would
   * change what Node does (a 'response' listener stops an unread response from being dumped, an 'error'
   * listener swallows an error the app does not handle, and a response 'error' is only emitted when listened to).
   */
  private interceptEmit(emitter: { emit: (event: string | symbol, ...args: unknown[]) => boolean }, onEvent: (event: string | symbol, arg: unknown) => void): void {
    const emit = emitter.emit;
    const call = this; // eslint-disable-line @typescript-eslint/no-this-alias -- the call is read by a function-style listener whose own this is the request
    emitter.emit = function (this: unknown, event: string | symbol, arg?: unknown): boolean {
      if (!call.done) {
        try {
          onEvent.call(call, event, arg);
        } catch (error) {
          reportFault('http client events', error);
        }
      }
       
      return emit.apply(this, arguments as unknown as [string | symbol, ...unknown[]]);
    };
  }

  private onRequestEvent(event: string | symbol, arg: unknown): void {
    switch (event) {
      case 'response':
        this.response = arg as IncomingMessage;
        this.setStatus(this.response.statusCode);
        this.interceptEmit(this.response, this.onResponseEvent);
        return;
      case 'upgrade':
      case 'connect':
        // The socket now belongs to the app (WebSocket, tunnel): the HTTP exchange is over.
        this.setStatus((arg as IncomingMessage).statusCode);
        this.end();
        return;
      case 'error':
        this.end(arg);
        return;
      case 'timeout':
        if (isRecording(this.span)) this.span.log({ event: 'timeout', message: 'the socket was idle longer than the request timeout' });
        return;
      case 'abort':
        this.span.setTag(TAGS.HTTP_ABORTED, true);
        this.end(new Error('request aborted'));
        return;
      case 'close':
        // With a response, the span ends with the response; without one, an error or abort already ended it.
        if (!this.response) this.end();
        return;
    }
  }

  private onResponseEvent(event: string | symbol, arg: unknown): void {
    switch (event) {
      case 'end':
        this.end();
        return;
      case 'error':
        // Node emits it (before 'close') only when the app listens: a response cut before its end is aborted either way.
        if (!this.response?.complete) this.span.setTag(TAGS.HTTP_ABORTED, true);
        this.end(arg);
        return;
      case 'close':
        // Received in full but never read to its end: the exchange itself succeeded.
        if (this.response?.complete) {
          this.end();
          return;
        }
        // Cut before its end: the connection dropped mid-response, or the app destroyed it.
        this.span.setTag(TAGS.HTTP_ABORTED, true);
        this.end(new Error('response aborted before its end'));
        return;
    }
  }
}

/** A traced http(s).request/get call: the arguments to call the original with, and the call to follow. */
export interface TracedHttpCall {
  args: unknown[];
  call: HttpCall;
}

/** Undefined when the call is not traced (the original must then get the caller's arguments). Never throws. */
export function startHttpCall(component: HttpComponent, args: ArrayLike<unknown>, options: HttpClientOptions): TracedHttpCall | undefined {
  let call: HttpCall | undefined;
  try {
    if (!mayTrace()) return undefined;
    const parsed = parseHttpCall(component, args);
    if (!parsed || isIgnored(parsed.info, options.ignore)) return undefined;
    const span = startRequestSpan(parsed.info, parsed.auth, options);
    if (!span) return undefined;
    call = new HttpCall(span, parsed.info, options);
    return { args: parsed.argsWithHeaders(headersWithTrace(span, parsed.headers)), call };
  } catch (error) {
    // An invalid URL lands here too: the original then throws its own error, untraced.
    call?.end();
    if ((error as { code?: unknown } | null)?.code !== 'ERR_INVALID_URL') reportFault('http client span', error);
    return undefined;
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

const fetchCalls = new WeakMap<object, HttpCall>();

/** `undici:request:create`: start the span and add the trace headers. */
export function onFetchCreate(request: UndiciRequest, options: HttpClientOptions): void {
  if (!request || typeof request !== 'object' || !mayTrace()) return;
  const info = describeFetch(request);
  if (!info || isIgnored(info, options.ignore)) return;
  const span = startRequestSpan(info, undefined, options);
  if (!span) return;
  fetchCalls.set(request, new HttpCall(span, info, options));
  addFetchHeaders(request, span);
}

function describeFetch(request: UndiciRequest): OutgoingRequestInfo | undefined {
  if (request.origin === undefined || typeof request.path !== 'string') return undefined;
  const origin = new URL(String(request.origin));
  const protocol = origin.protocol;
  const { hostname = '', port = 80 } = urlPeer(origin);
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
  if (response) fetchCalls.get(request)?.setStatus(Number(response.statusCode));
}

/** `undici:request:trailers`: the response body was received. */
export function onFetchEnd(request: object): void {
  const call = fetchCalls.get(request);
  if (!call) return;
  fetchCalls.delete(request);
  call.end();
}

/** `undici:request:error`: network error or abort. */
export function onFetchError(request: object, error: unknown): void {
  const call = fetchCalls.get(request);
  if (!call) return;
  fetchCalls.delete(request);
  call.end(error);
}
