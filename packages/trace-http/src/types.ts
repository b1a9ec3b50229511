import type { Span } from 'opentracing';

/** Which client made the request: the `component` tag. */
export type HttpComponent = 'http' | 'https' | 'fetch';

/** What Spanwise understood of an outgoing request, before it is sent. */
export interface OutgoingRequestInfo {
  component: HttpComponent;
  /** Upper-case method: `GET`. */
  method: string;
  /** `http:` or `https:` */
  protocol: string;
  /** Host name or IP, without brackets for IPv6. */
  hostname: string;
  port: number;
  /** Path and query: `/users?page=2`. */
  path: string;
  /** Full URL without userinfo (not redacted: never recorded as is). */
  url: string;
  /** Unix socket path, when the request goes through one. */
  socketPath?: string;
}

/**
 * A request not traced (no span, no injected headers):
 * - a string: a host name (`metadata.internal`), `host:port`, or a URL prefix (`http://localhost:8500/v1/health`);
 * - a RegExp tested on the full URL (without userinfo);
 * - a predicate given the full URL and the request's details.
 */
export type IgnoreMatcher = string | RegExp | ((url: string, request: OutgoingRequestInfo) => boolean);

export interface HttpClientOptions {
  /** Requests never traced nor given trace headers. */
  ignore?: IgnoreMatcher | IgnoreMatcher[];
  /** Called when a client span starts (for sampled spans), to add tags. */
  requestHook?: (span: Span, request: OutgoingRequestInfo) => void;
  /** Called when the response headers arrive (for sampled spans). */
  responseHook?: (span: Span, request: OutgoingRequestInfo, statusCode: number) => void;
}
