import * as http from 'http';
import * as https from 'https';
import * as zlib from 'zlib';
import { clearTimeoutReal, dateNow, setTimeoutReal } from './clock';
import { batchFraming, type Framing } from './encoder';
import type { Transport } from './types';

/** Options of {@link HttpSender}. */
export interface HttpSenderOptions {
  /** Collector URL, e.g. `http://jaeger-collector:14268/api/traces`. */
  endpoint: string;
  /** Basic-auth user (requires `password`). */
  user?: string;
  /** Basic-auth password. */
  password?: string;
  /** Bearer token (`Authorization: Bearer <token>`); exclusive with user/password. */
  token?: string;
  /** Per-attempt timeout covering connect, upload and response headers (default 5000 ms). */
  timeoutMs?: number;
  /** Retries after the first attempt for network errors, timeouts, 5xx and 429 (default 3). */
  maxRetries?: number;
  /** Base of the exponential backoff; attempt n waits a random time in [b*2^n/2, b*2^n] (default 200 ms, capped at 10 s). */
  retryBackoffMs?: number;
  /** Concurrent requests (default 2). Together with the reporter's queue caps this bounds memory. */
  maxInFlight?: number;
  /** Request Content-Type (default `application/x-thrift`). */
  contentType?: string;
  /** Extra request headers (OTLP: `OTEL_EXPORTER_OTLP_HEADERS`). Never logged. */
  headers?: Record<string, string>;
  /** Gzip request bodies (`Content-Encoding: gzip`). */
  gzip?: boolean;
  /** HTTP statuses worth retrying (default: 429 and every 5xx). */
  retryableStatus?: (status: number) => boolean;
  /** Who answers, in error messages (default `Jaeger collector`). */
  peerName?: string;
  /**
   * Reads the response body (at most 64 KiB). For a failure, the returned text is added to the error message;
   * for a success it is logged (an OTLP partial success).
   */
  readResponse?: (status: number, body: Buffer) => string | undefined;
  /** Where {@link readResponse} texts of successful responses go. */
  onNotice?: (message: string) => void;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date; 0 when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = dateNow()): number {
  if (typeof value !== 'string') return 0;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}

const defaultRetryable = (status: number): boolean => status >= 500 || status === 429;

const MAX_BACKOFF_MS = 10_000;

/** An Error carrying whether the failed attempt may be retried. */
class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

/** POSTs Thrift `Batch` structs (`application/x-thrift`) to a Jaeger collector. */
export class HttpSender implements Transport {
  readonly kind = 'http' as const;
  readonly maxInFlight: number;
  readonly bytesPerTurn = Infinity;
  readonly url: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly gzip: boolean;
  private readonly retryable: (status: number) => boolean;
  private readonly peerName: string;
  private readonly readResponse?: (status: number, body: Buffer) => string | undefined;
  private readonly onNotice?: (message: string) => void;
  private closed = false;
  /** Cancels of attempts in progress and of pending retry timers. */
  private readonly active = new Set<() => void>();

  constructor(options: HttpSenderOptions) {
    this.url = new URL(options.endpoint);
    const isHttps = this.url.protocol === 'https:';
    this.maxInFlight = options.maxInFlight ?? 2;
    this.agent = isHttps
      ? new https.Agent({ keepAlive: true, maxSockets: this.maxInFlight })
      : new http.Agent({ keepAlive: true, maxSockets: this.maxInFlight });
    this.request = isHttps ? https.request : http.request;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxRetries = options.maxRetries ?? 3;
    this.backoffMs = options.retryBackoffMs ?? 200;
    this.gzip = options.gzip === true;
    this.retryable = options.retryableStatus ?? defaultRetryable;
    this.peerName = options.peerName ?? 'Jaeger collector';
    this.readResponse = options.readResponse;
    this.onNotice = options.onNotice;
    this.headers = { ...options.headers, 'Content-Type': options.contentType ?? 'application/x-thrift' };
    if (this.gzip) this.headers['Content-Encoding'] = 'gzip';
    if (options.token) {
      this.headers.Authorization = `Bearer ${options.token}`;
    } else if (options.user !== undefined && options.password !== undefined) {
      this.headers.Authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
    } else if (this.url.username) {
      const user = decodeURIComponent(this.url.username);
      const pass = decodeURIComponent(this.url.password);
      this.headers.Authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    }
  }

  framing(process: Buffer): Framing {
    return batchFraming(process);
  }

  send(parts: Buffer[], length: number, done: (err: Error | null) => void): void {
    if (this.closed) {
      done(new Error('HTTP sender is closed'));
      return;
    }
    const body = parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
    if (!this.gzip) {
      this.attempt(body, 0, done);
      return;
    }
    zlib.gzip(body, (err, zipped) => {
      if (err) done(new Error(`cannot gzip the request body: ${err.message}`));
      else this.attempt(zipped, 0, done);
    });
  }

  private attempt(body: Buffer, n: number, done: (err: Error | null) => void): void {
    this.post(body, (err) => {
      if (!err) {
        done(null);
        return;
      }
      if (!err.retryable || n >= this.maxRetries || this.closed) {
        const tries = n + 1;
        done(new Error(`${err.message} (after ${tries} attempt${tries === 1 ? '' : 's'})`));
        return;
      }
      const exp = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** n);
      const delay = Math.max(err.retryAfterMs, exp / 2 + Math.random() * (exp / 2));
      let timer: NodeJS.Timeout | null = null;
      const cancel = () => {
        if (timer) clearTimeoutReal(timer);
        this.active.delete(cancel);
        done(new Error(`${err.message} (retry cancelled: sender closed)`));
      };
      timer = setTimeoutReal(() => {
        this.active.delete(cancel);
        this.attempt(body, n + 1, done);
      }, Math.min(delay, 30_000));
      timer.unref();
      this.active.add(cancel);
    });
  }

  private post(body: Buffer, cb: (err: SendError | null) => void): void {
    let finished = false;
    let timer: NodeJS.Timeout | null = null;
    const finish = (err: SendError | null) => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeoutReal(timer);
      this.active.delete(cancel);
      cb(err);
    };
    const cancel = () => {
      req.destroy();
      finish(new SendError('HTTP sender closed', false));
    };
    const u = this.url;
    const req = this.request({
      protocol: u.protocol,
      hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
      port: u.port || undefined,
      path: u.pathname + u.search,
      method: 'POST',
      agent: this.agent,
      headers: { ...this.headers, 'Content-Length': String(body.length) },
    });
    this.active.add(cancel);
    timer = setTimeoutReal(() => {
      req.destroy();
      finish(new SendError(`HTTP request to ${u.origin} timed out after ${this.timeoutMs} ms`, true));
    }, this.timeoutMs);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      const retryable = !ok && this.retryable(status);
      const wait = retryable ? retryAfterMs(res.headers['retry-after']) : 0;
      const fail = (detail: string | undefined) =>
        finish(new SendError(`${this.peerName} ${u.origin} answered HTTP ${status}${detail ? `: ${detail}` : ''}`, retryable, wait));
      if (!this.readResponse) {
        res.resume();
        if (ok) finish(null);
        else fail(undefined);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('error', () => (ok ? finish(null) : fail(undefined)));
      res.on('end', () => {
        let detail: string | undefined;
        try {
          detail = this.readResponse!(status, Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES));
        } catch {
          detail = undefined;
        }
        if (!ok) {
          fail(detail);
          return;
        }
        if (detail) this.onNotice?.(`${this.peerName} ${u.origin}: ${detail}`);
        finish(null);
      });
    });
    req.on('error', (err) => {
      finish(new SendError(`HTTP request to ${u.origin} failed: ${err.message}`, true));
    });
    req.end(body);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of [...this.active]) cancel();
    this.agent.destroy();
  }
}
