import type { IncomingMessage, ServerResponse } from 'http';
import type { IgnoreRule, ServerSpanOptions } from '@spanwise/trace-core';
import type { Span } from 'opentracing';

/**
 * Options of {@link traceMiddleware}. All are optional; they are the server-span options every Spanwise HTTP
 * framework adapter shares.
 */
export interface ExpressTraceOptions extends ServerSpanOptions {
  /**
   * Requests that are not traced at all (no span, nothing recorded): an exact path (`'/health'`), a RegExp
   * tested against the path (query string excluded), a predicate over the request, or a list of these.
   * A predicate that throws is ignored (the request is traced).
   */
  ignore?: IgnoreRule | IgnoreRule[];
  /**
   * Name the span yourself. Called once, when the response finishes, with the request and the matched route
   * pattern (`/api/orgs/:orgId/users/:id`, or undefined when no route matched). Default:
   * `METHOD /full/route/:pattern`, or `METHOD (unmatched)`. Keep names low-cardinality: never the raw path.
   * An empty result or a throw falls back to the default.
   */
  operationName?: (req: IncomingMessage, route: string | undefined) => string;
  /** Called when the span starts (before any route runs), to add tags from the request. A throw is ignored (the span is kept) and logged once, naming the option. */
  requestHook?: (span: Span, req: IncomingMessage, res: ServerResponse) => void;
  /** Called when the response finishes or the connection closes, before the span finishes. Errors are ignored. */
  responseHook?: (span: Span, req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Request headers recorded as `http.request.header.<lowercase name>` tags (an allowlist, case-insensitive).
   * Credential headers (`authorization`, `proxy-authorization`, `cookie`, `set-cookie`) are never recorded, even
   * when listed: a warning says so once. Headers whose names look like credentials (`x-api-key`, `x-auth-token`,
   * `x-session-id`...) are recorded as `REDACTED` unless opted in by name with
   * `init({ redaction: { recordSecretHeaders: ['x-api-key'] } })`.
   */
  headersAsTags?: string[];
}

/** The middleware signature, compatible with Express 4 and 5 `app.use()`. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** @internal What the patches read on an Express/router `Layer`. */
export interface LayerLike {
  /** Set on the layers `Router#route()` creates. */
  route?: RouteLike;
}

/** @internal An Express/router `Route`: keeps the path it was created with. */
export interface RouteLike {
  path?: unknown;
}

/** @internal An Express 4 router or a router 2 `Router`. */
export interface RouterLike {
  stack?: LayerLike[];
}

/** @internal */
export type NextFunction = (err?: unknown) => void;
