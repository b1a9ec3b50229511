import type { Span } from 'opentracing';
import { reportFault } from '../logger';
import { errorWithMessage } from '../redaction';
import { finishSpan, isRecording, recordError, setTags, startClientSpan, TAGS, type ClientSpanOptions, type TagMap } from '../spans';

/**
 * What every client package records (database, cache, search, HTTP clients): the span of one call to a peer, its
 * end (once), and the error it failed with, masked and capped. Where a library is hooked stays in each package's
 * instrumentation.ts; what a call records is built from these.
 */

/** Where a call goes: each field given becomes its `peer.*` tag. */
export interface Peer {
  /** `peer.hostname`: host name or IP (IPv6 without brackets). */
  hostname?: string;
  /** `peer.port` */
  port?: number;
  /** `peer.address`: `host:port`, or a unix socket path. */
  address?: string;
  /** `peer.service`: the remote service's name, when known. */
  service?: string;
}

/** The `peer.*` tags of `peer`, added to `tags` (which is returned). */
export function peerTags(peer: Peer, tags: TagMap = {}): TagMap {
  if (peer.hostname !== undefined) tags[TAGS.PEER_HOSTNAME] = peer.hostname;
  if (peer.port !== undefined) tags[TAGS.PEER_PORT] = peer.port;
  if (peer.address !== undefined) tags[TAGS.PEER_ADDRESS] = peer.address;
  if (peer.service !== undefined) tags[TAGS.PEER_SERVICE] = peer.service;
  return tags;
}

/** How a database or cache client names its server. */
export interface ServerEndpoint {
  host?: string;
  port?: number;
  socketPath?: string;
}

/**
 * A server reached over a unix socket (its path is the address, nothing else is known) or over TCP
 * (`host`, default `localhost`; `port`, default `defaultPort`; the address `host:port`).
 */
export function serverPeer(endpoint: ServerEndpoint | undefined, defaultPort: number): Peer {
  if (endpoint?.socketPath) return { address: endpoint.socketPath };
  const hostname = endpoint?.host || 'localhost';
  const port = endpoint?.port || defaultPort;
  return { hostname, port, address: `${hostname}:${port}` };
}

/** The peer of a URL: its host name (IPv6 without brackets) and port (the scheme's default when none is written). */
export function urlPeer(url: URL): Peer {
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return { hostname, port };
}

/** The tags a client's spans share: `component`, then `tags`, then the peer's. Build once per connection and reuse. */
export function clientTags(component: string, peer: Peer | undefined, tags?: TagMap): TagMap {
  const all: TagMap = { [TAGS.COMPONENT]: component, ...tags };
  return peer ? peerTags(peer, all) : all;
}

/**
 * The client span (`span.kind=client`) of one call, a child of `options.childOf` or the active span, with `tags`
 * (from `clientTags`: never mutated) set only when the span is sampled. Undefined outside a trace (see
 * `startClientSpan`): the caller then does no tracing work at all.
 */
export function startClientCall(name: string, tags: TagMap, options?: ClientSpanOptions): Span | undefined {
  const span = startClientSpan(name, options);
  if (span !== undefined && isRecording(span)) setTags(span, tags);
  return span;
}

/** How a client package records the errors of its calls. Make one per package (a module constant), not per call. */
export interface ErrorRecording {
  /** Masks the values a server quotes in its messages; the recorded copy gets the result (message and stack header). */
  maskMessage?: (message: string) => string;
  /** Fields added to the error log (`db.error.code`...), from the app's error; undefined values are skipped. */
  fields?: (error: unknown) => TagMap | undefined;
  /** The recorded message is cut to this many characters (before masking, which so costs a bounded time). Default 2048. */
  maxMessageLength?: number;
}

export const DEFAULT_MAX_ERROR_MESSAGE_LENGTH = 2048;
const UNMASKED: ErrorRecording = {};

/**
 * The error as a span may record it: `error` itself, or a look-alike (same prototype and name; rebuilt stack,
 * frames kept; no other property, so a driver's `sql` or `sqlMessage` never reaches the span) whose message is
 * cut to `maxMessageLength` and masked. The app's error object is never modified.
 */
export function errorForSpan(error: unknown, how: ErrorRecording = UNMASKED): unknown {
  if (!(error instanceof Error) || typeof error.message !== 'string') return error;
  const original = error.message;
  const capped = truncateStatement(original, how.maxMessageLength ?? DEFAULT_MAX_ERROR_MESSAGE_LENGTH);
  const mask = how.maskMessage;
  const message = mask ? mask(capped) : capped;
  if (message !== original) return errorWithMessage(error, message);
  // The stack's header can differ from the message (set after the error was made): masked the same way.
  if (mask && typeof error.stack === 'string' && mask(error.stack) !== error.stack) return errorWithMessage(error, message);
  return error;
}

/** `error=true`, and for a sampled span the error log of `errorForSpan(error, how)` with `how.fields` and `extraFields`. */
export function recordClientError(span: Span, error: unknown, how: ErrorRecording = UNMASKED, extraFields?: TagMap): void {
  if (!isRecording(span)) {
    recordError(span, error);
    return;
  }
  const fields = how.fields?.(error);
  recordError(span, errorForSpan(error, how), fields && extraFields ? { ...fields, ...extraFields } : (fields ?? extraFields));
}

/** Finish a client span, with its error (if `error` is neither undefined nor null). Never throws. */
export function endClientSpan(span: Span, error?: unknown, how?: ErrorRecording, extraFields?: TagMap): void {
  try {
    if (error !== undefined && error !== null) recordClientError(span, error, how, extraFields);
  } catch (fault) {
    reportFault('client span end', fault);
  }
  finishSpan(span);
}

/**
 * One client call in flight, for calls that can end more than one way (a callback, an `error` or `end` event, a
 * settled promise, whichever comes first): the span ends exactly once.
 */
export class ClientCall {
  private ended = false;

  constructor(
    readonly span: Span,
    private readonly errors?: ErrorRecording,
  ) {}

  /** True once the span has ended. */
  get done(): boolean {
    return this.ended;
  }

  /** End the span (with `error` if given); later calls do nothing. Returns whether this call ended it. */
  end(error?: unknown, extraFields?: TagMap): boolean {
    if (this.ended) return false;
    this.ended = true;
    endClientSpan(this.span, error, this.errors, extraFields);
    return true;
  }
}

/** How `truncateStatement` marks a cut. */
export interface TruncateOptions {
  /** Keep `limit` characters and add the mark after them, instead of counting the mark in the limit. */
  markAfterLimit?: boolean;
}

const COUNT_MARK_IN_LIMIT: TruncateOptions = {};

/**
 * `text` cut to `limit` characters, ending in `...` (counted in the limit unless `markAfterLimit`); unchanged when it
 * fits or when `limit` is not a positive number.
 */
export function truncateStatement(text: string, limit: number, options: TruncateOptions = COUNT_MARK_IN_LIMIT): string {
  if (!(limit > 0) || text.length <= limit) return text;
  return (options.markAfterLimit ? text.slice(0, limit) : text.slice(0, Math.max(0, limit - 3))) + '...';
}
