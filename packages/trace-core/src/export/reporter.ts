import { suppressTracing } from '../context';
import { clearIntervalReal, clearTimeoutReal, dateNow, perfNow, setImmediateReal, setIntervalReal, setTimeoutReal } from './clock';
import { SpanEncoder, type Framing, type JaegerKeyValue, type JaegerSpanLike } from './encoder';
import { HttpSender } from './http-sender';
import type { ReporterEncoder } from './otlp-encoder';
import { capSpanValues, DEFAULT_SPAN_LIMITS, shrinkSpan, SHRINK_STEPS, type SpanLimits } from './span-limits';
import type { ReporterLogger, Transport } from './types';
import { UdpSender } from './udp-sender';

/** Why spans were dropped. */
export type DropReason = 'queueFull' | 'tooLarge' | 'sendFailed';

/** Counters of a {@link SpanwiseReporter} (monotonic since creation, except `pending`). */
export interface ReporterStats {
  /** Spans handed to `report()`. */
  reported: number;
  /** Spans in messages the transport accepted (UDP: written to the socket; HTTP: 2xx). */
  sent: number;
  /** Spans dropped, by reason. `reported = sent + dropped.* + pending.spans`. */
  dropped: {
    /** `maxQueueSpans` / `maxQueueBytes` reached (agent/collector too slow or unreachable), or reported after close. */
    queueFull: number;
    /** A span still larger than one packet (`maxPacketSize` minus envelope) after every shrink step. */
    tooLarge: number;
    /** The message holding the span could not be sent (socket/DNS/HTTP error, retries exhausted, closed). */
    sendFailed: number;
  };
  /** Spans kept but made smaller. */
  truncated: {
    /** Tag and log values cut to `maxValueLength` / `maxStackLength`. */
    values: number;
    /** Spans shortened further (logs, then tags) because they did not fit in one message; see docs/export.md. */
    spans: number;
  };
  /** Messages (UDP datagrams / HTTP requests) delivered. */
  packets: number;
  /** Bytes of those messages. */
  bytes: number;
  /** Spans and encoded bytes currently held: the open packet, queued packets and packets in flight. */
  pending: { spans: number; bytes: number };
}

/** Configuration of {@link createReporter}. Every field is optional. */
export interface ReporterConfig {
  /** Jaeger agent host (default `127.0.0.1`). Core resolves `JAEGER_AGENT_HOST` and passes it here. */
  agentHost?: string;
  /** Jaeger agent binary-Thrift UDP port (default 6832). Core resolves `JAEGER_AGENT_PORT`. */
  agentPort?: number;
  /** Collector URL (`JAEGER_ENDPOINT`, e.g. `http://collector:14268/api/traces`). When set, spans go over HTTP instead of UDP. */
  endpoint?: string;
  /** HTTP basic-auth user (requires `password`). */
  user?: string;
  /** HTTP basic-auth password (requires `user`). */
  password?: string;
  /** HTTP bearer token; exclusive with `user`/`password`. */
  token?: string;
  /**
   * Largest message in bytes, envelope included. UDP default 65000 (max 65507); use 9216 on macOS
   * unless `net.inet.udp.maxdgram` was raised. HTTP default 1 MiB (the request body size).
   */
  maxPacketSize?: number;
  /** Interval at which a partially filled packet is sent (default 1000 ms; the timer is unref'd). */
  flushIntervalMs?: number;
  /** Most spans held (open packet + queued + in flight) before new spans are dropped as `queueFull` (default 10000). */
  maxQueueSpans?: number;
  /** Most encoded bytes held before new spans are dropped as `queueFull` (default 16 MiB). */
  maxQueueBytes?: number;
  /** HTTP per-attempt timeout (default 5000 ms). */
  timeoutMs?: number;
  /** HTTP retries for network errors, timeouts, 5xx and 429 (default 3; other 4xx are never retried). */
  maxRetries?: number;
  /** HTTP backoff base (default 200 ms): retry n waits a random time in [base*2^n/2, base*2^n], capped at 10 s. */
  retryBackoffMs?: number;
  /** Most time `close()` waits for pending spans to be delivered before closing sockets (default 5000 ms). */
  closeTimeoutMs?: number;
  /** Drops and send errors are logged at most once per this interval (default 10000 ms). */
  logIntervalMs?: number;
  /** Write byte-for-byte what jaeger-client's senders write (all optional Tag fields); default false. See docs/export.md. */
  jaegerCompatible?: boolean;
  /** Longest string tag or log-field value kept, in characters (default 4096); longer ones are cut, with a marker. */
  maxValueLength?: number;
  /** Longest `stack` log field kept, in characters (default 8192): the message is cut first, then the deepest frames. */
  maxStackLength?: number;
  /** Where drops/errors are logged (default: `console.warn`/`console.error`, info discarded). */
  logger?: ReporterLogger;
}

/** Options of the {@link SpanwiseReporter} constructor (the queueing part of {@link ReporterConfig}). */
export interface SpanwiseReporterOptions {
  maxPacketSize: number;
  flushIntervalMs?: number;
  maxQueueSpans?: number;
  maxQueueBytes?: number;
  closeTimeoutMs?: number;
  logIntervalMs?: number;
  jaegerCompatible?: boolean;
  maxValueLength?: number;
  maxStackLength?: number;
  logger?: ReporterLogger;
  /** Another wire format (OTLP): makes the span encoder, given its initial buffer size. Default: Thrift. */
  encoder?: (initialSize: number) => ReporterEncoder;
  /** With `encoder`: encodes the process (service name and tracer tags) handed to `Transport.framing`. */
  encodeProcess?: (serviceName: string, tags: JaegerKeyValue[]) => Buffer;
}

/** Defaults, exported for documentation and tests. */
export const DEFAULTS = {
  agentHost: '127.0.0.1',
  agentPort: 6832,
  udpMaxPacketSize: 65000,
  httpMaxPacketSize: 1024 * 1024,
  flushIntervalMs: 1000,
  maxQueueSpans: 10000,
  maxQueueBytes: 16 * 1024 * 1024,
  timeoutMs: 5000,
  maxRetries: 3,
  retryBackoffMs: 200,
  closeTimeoutMs: 5000,
  logIntervalMs: 10000,
  maxValueLength: DEFAULT_SPAN_LIMITS.maxValueLength,
  maxStackLength: DEFAULT_SPAN_LIMITS.maxStackLength,
} as const;

/** Largest UDP payload over IPv4. */
const MAX_UDP_PAYLOAD = 65507;
/** Envelope size assumed until `setProcess()` tells the real one. */
const PROVISIONAL_OVERHEAD = 1024;
/** Chunk buffers kept for reuse. */
const POOL_SIZE = 4;

const defaultLogger: ReporterLogger = {
  info: () => undefined,
  warn: (msg) => console.warn(msg),
  error: (msg) => console.error(msg),
};

interface Packet {
  buf: Buffer;
  len: number;
  spans: number;
}

/**
 * jaeger-client reporter that encodes each finished span immediately (Thrift binary, see
 * {@link SpanEncoder}) into the open packet buffer and ships full packets through a
 * {@link Transport}. Pass it to jaeger-client as `initTracer(config, { reporter })` or
 * `new Tracer(service, reporter, sampler)`.
 */
export class SpanwiseReporter {
  private readonly transport: Transport;
  private readonly enc: ReporterEncoder;
  private readonly encodeProcess: (serviceName: string, tags: JaegerKeyValue[]) => Buffer;
  private readonly logger: ReporterLogger;
  private readonly maxPacketSize: number;
  private readonly maxQueueSpans: number;
  private readonly maxQueueBytes: number;
  private readonly closeTimeoutMs: number;
  private readonly logIntervalMs: number;
  private readonly chunkSize: number;
  private framing: Framing | null = null;
  private spanBudget: number;
  private chunkSpans = 0;
  private pendingSpans = 0;
  private pendingBytes = 0;
  private readonly queue: Packet[] = [];
  private readonly pool: Buffer[] = [];
  private inFlight = 0;
  private drainScheduled = false;
  private lastDrainAt = 0;
  private packetsCreated = 0;
  private packetsDone = 0;
  private waiters: Array<{ target: number; resolve: () => void }> = [];
  private closed = false;
  private closePromise: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly limits: SpanLimits;
  private readonly st = { reported: 0, sent: 0, queueFull: 0, tooLarge: 0, sendFailed: 0, packets: 0, bytes: 0, truncatedValues: 0, truncatedSpans: 0 };
  // rate-limited logging
  private lastLogAt = 0;
  private unlogged = { queueFull: 0, tooLarge: 0, sendFailed: 0 };
  private unloggedAny = false;
  private unloggedShortened = 0;
  private lastShortened = '';
  private lastProblem: Record<DropReason, string> = { queueFull: '', tooLarge: '', sendFailed: '' };
  /** The most recently delivered packet, re-counted as failed if the transport reports a late error. */
  private lastSent: { spans: number; bytes: number } | null = null;

  constructor(transport: Transport, options: SpanwiseReporterOptions) {
    this.transport = transport;
    transport.onLateError = this.onLateError;
    this.logger = options.logger ?? defaultLogger;
    this.maxPacketSize = options.maxPacketSize;
    this.maxQueueSpans = options.maxQueueSpans ?? DEFAULTS.maxQueueSpans;
    this.maxQueueBytes = options.maxQueueBytes ?? DEFAULTS.maxQueueBytes;
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs;
    this.logIntervalMs = options.logIntervalMs ?? DEFAULTS.logIntervalMs;
    this.limits = {
      maxValueLength: options.maxValueLength ?? DEFAULTS.maxValueLength,
      maxStackLength: options.maxStackLength ?? DEFAULTS.maxStackLength,
    };
    this.spanBudget = this.maxPacketSize - PROVISIONAL_OVERHEAD;
    this.chunkSize = this.maxPacketSize + 8192;
    const jaegerCompatible = options.jaegerCompatible;
    this.enc = options.encoder?.(this.chunkSize) ?? new SpanEncoder({ jaegerCompatible, initialSize: this.chunkSize });
    this.encodeProcess =
      options.encodeProcess ??
      ((serviceName, tags) => {
        const e = new SpanEncoder({ jaegerCompatible, initialSize: 512 });
        e.encodeProcess(serviceName, tags);
        return e.take();
      });
    this.timer = setIntervalReal(this.tick, options.flushIntervalMs ?? DEFAULTS.flushIntervalMs);
    this.timer.unref();
    process.on('beforeExit', this.onBeforeExit);
    process.on('exit', this.onExit);
  }

  /** Reporter name (jaeger-client reporter interface). */
  name(): string {
    return 'SpanwiseReporter';
  }

  toString(): string {
    return this.name();
  }

  /** Called by jaeger-client's Tracer with the process (service name and tracer tags). */
  setProcess(serviceName: string, tags: JaegerKeyValue[]): void {
    this.framing = this.transport.framing(this.encodeProcess(serviceName, tags));
    this.spanBudget = this.maxPacketSize - this.framing.overhead;
    if (this.spanBudget < 64) {
      this.logger.error(
        `spanwise reporter: maxPacketSize ${this.maxPacketSize} leaves no room for spans after the ${this.framing.overhead}-byte envelope; every span will be dropped`,
      );
    }
    if (this.queue.length > 0 || this.chunkSpans > 0) this.scheduleDrain();
    // The tracer exists from now on: connect, so spans can still be sent synchronously if the process exits early.
    suppressTracing(() => this.transport.prepare?.());
  }

  /** Encodes a finished span into the open packet (jaeger-client reporter interface). Never throws. */
  report(span: JaegerSpanLike): void {
    this.st.reported++;
    if (this.closed) {
      this.drop('queueFull', 1, 'span reported after close()');
      return;
    }
    if (this.pendingSpans >= this.maxQueueSpans) {
      this.drop('queueFull', 1, `queue full (maxQueueSpans ${this.maxQueueSpans})`);
      return;
    }
    const enc = this.enc;
    const start = enc.pos;
    let len: number;
    try {
      this.st.truncatedValues += capSpanValues(span, this.limits);
      len = enc.encodeSpan(span);
      if (len > this.spanBudget) len = this.encodeShrunk(span, start, len);
    } catch (err) {
      enc.pos = start;
      this.drop('sendFailed', 1, `cannot encode span: ${(err as Error)?.message ?? err}`);
      return;
    }
    if (len > this.spanBudget) {
      enc.pos = start;
      if (enc.buf.length > this.chunkSize * 4) this.shrink();
      this.drop('tooLarge', 1, `span ${span._operationName} encodes to ${len} bytes even shortened, over the ${this.spanBudget} bytes a packet can hold`);
      return;
    }
    if (this.pendingBytes + len > this.maxQueueBytes) {
      enc.pos = start;
      this.drop('queueFull', 1, `queue full (maxQueueBytes ${this.maxQueueBytes})`);
      return;
    }
    if (enc.pos > this.spanBudget) this.cut(start);
    this.chunkSpans++;
    this.pendingSpans++;
    this.pendingBytes += len;
  }

  /**
   * Sends the open packet and resolves when every packet created so far was delivered or dropped.
   * Never rejects. Accepts a jaeger-style callback too.
   */
  flush(callback?: (err?: Error) => void): Promise<void> {
    if (this.chunkSpans > 0) this.cut(this.enc.pos);
    const target = this.packetsCreated;
    const p = new Promise<void>((resolve) => {
      if (this.packetsDone >= target) resolve();
      else this.waiters.push({ target, resolve });
    });
    if (callback) p.then(() => callback());
    return p;
  }

  /**
   * Flushes, waits for in-flight messages (at most `closeTimeoutMs`), then closes the sockets.
   * Spans still pending after that are counted as `sendFailed`. Idempotent.
   */
  close(callback?: (err?: Error) => void): Promise<void> {
    if (!this.closePromise) {
      clearIntervalReal(this.timer);
      process.removeListener('beforeExit', this.onBeforeExit);
      process.removeListener('exit', this.onExit);
      const flushed = this.flush();
      this.closed = true;
      let timeout: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timeout = setTimeoutReal(resolve, this.closeTimeoutMs);
      });
      this.closePromise = Promise.race([flushed, timedOut]).then(() => {
        clearTimeoutReal(timeout);
        let lost = 0;
        for (const p of this.queue) {
          lost += p.spans;
          this.pendingSpans -= p.spans;
          this.pendingBytes -= p.len;
        }
        this.queue.length = 0;
        if (lost > 0) this.drop('sendFailed', lost, 'not delivered before close() timed out');
        this.transport.close();
        this.maybeLog(true);
        for (const w of this.waiters) w.resolve();
        this.waiters = [];
      });
    }
    if (callback) this.closePromise.then(() => callback());
    return this.closePromise;
  }

  /** A snapshot of the counters. */
  stats(): ReporterStats {
    const s = this.st;
    return {
      reported: s.reported,
      sent: s.sent,
      dropped: { queueFull: s.queueFull, tooLarge: s.tooLarge, sendFailed: s.sendFailed },
      truncated: { values: s.truncatedValues, spans: s.truncatedSpans },
      packets: s.packets,
      bytes: s.bytes,
      pending: { spans: this.pendingSpans, bytes: this.pendingBytes },
    };
  }

  // ------------------------------------------------------------------ internals

  private readonly tick = (): void => {
    if (this.chunkSpans > 0) this.cut(this.enc.pos);
    this.maybeLog(false);
  };

  private readonly onBeforeExit = (): void => {
    // the event loop is empty: ship what is pending (this schedules work, so the loop continues)
    if (this.chunkSpans > 0 || this.queue.length > 0) {
      this.flush();
      this.scheduleDrain();
    } else {
      this.maybeLog(true);
    }
  };

  /**
   * `process.exit()` (an app's own SIGTERM handler, typically) leaves no event-loop turn for the paced drain:
   * a transport that can send synchronously ships what is still queued now; the rest is counted as lost.
   */
  private readonly onExit = (): void => {
    const framing = this.framing;
    const t = this.transport;
    if (this.chunkSpans > 0) this.cut(this.enc.pos);
    while (this.queue.length > 0) {
      const p = this.queue.shift() as Packet;
      this.pendingSpans -= p.spans;
      this.pendingBytes -= p.len;
      if (framing !== null && t.sendNow) {
        const prefix = framing.prefix(p.spans, p.len);
        const total = prefix.length + p.len + framing.suffix.length;
        if (t.sendNow([prefix, p.buf.subarray(0, p.len), framing.suffix])) {
          this.st.sent += p.spans;
          this.st.packets++;
          this.st.bytes += total;
          continue;
        }
      }
      this.drop('sendFailed', p.spans, 'the process exited before these spans could be sent');
    }
    this.maybeLog(true);
  };

  /** Re-encodes a span too large for a packet after each shrink step until it fits; returns its final length. */
  private encodeShrunk(span: JaegerSpanLike, start: number, len: number): number {
    const enc = this.enc;
    for (let step = 1; step <= SHRINK_STEPS && len > this.spanBudget; step++) {
      shrinkSpan(span, step);
      enc.pos = start;
      len = enc.encodeSpan(span);
    }
    if (len <= this.spanBudget) {
      this.st.truncatedSpans++;
      this.noteTruncation(`span ${span._operationName} shortened to fit one packet (${this.spanBudget} bytes)`);
    }
    return len;
  }

  /** Closes the open packet at `end`; bytes after `end` (a span that did not fit) move to a new buffer. */
  private cut(end: number): void {
    const enc = this.enc;
    const old = enc.buf;
    const tail = enc.pos - end;
    let next = this.pool.pop();
    if (next === undefined || next.length < tail) next = Buffer.allocUnsafe(Math.max(this.chunkSize, tail));
    if (tail > 0) old.copy(next, 0, end, end + tail);
    enc.buf = next;
    enc.pos = tail;
    if (this.chunkSpans > 0) {
      this.queue.push({ buf: old, len: end, spans: this.chunkSpans });
      this.packetsCreated++;
      this.chunkSpans = 0;
      this.scheduleDrain();
    }
  }

  private shrink(): void {
    const next = Buffer.allocUnsafe(Math.max(this.chunkSize, this.enc.pos));
    this.enc.buf.copy(next, 0, 0, this.enc.pos);
    this.enc.buf = next;
  }

  private scheduleDrain(): void {
    if (!this.drainScheduled && this.framing !== null) {
      this.drainScheduled = true;
      // report() runs in the app's context (a request's): the export (HTTP POSTs, retries) must not be traced.
      suppressTracing(() => setImmediateReal(this.drain));
    }
  }

  private readonly drain = (): void => {
    this.drainScheduled = false;
    const framing = this.framing;
    if (framing === null) return;
    const t = this.transport;
    // Pacing: one turn's allowance, plus the same again per millisecond the app kept the loop busy
    // since the last drain (the receiver was reading meanwhile), at most 4 allowances per turn.
    const now = perfNow();
    const per = t.bytesPerTurn;
    let budget = per + Math.min(3 * per, (now - this.lastDrainAt) * per);
    this.lastDrainAt = now;
    while (this.queue.length > 0 && this.inFlight < t.maxInFlight && budget > 0) {
      const p = this.queue.shift() as Packet;
      const prefix = framing.prefix(p.spans, p.len);
      const total = prefix.length + p.len + framing.suffix.length;
      budget -= total;
      this.inFlight++;
      let called = false;
      t.send([prefix, p.buf.subarray(0, p.len), framing.suffix], total, (err) => {
        if (called) return;
        called = true;
        this.onSent(p, total, err);
      });
    }
    if (this.queue.length > 0 && this.inFlight < t.maxInFlight) this.scheduleDrain();
  };

  private onSent(p: Packet, total: number, err: Error | null): void {
    this.inFlight--;
    this.pendingSpans -= p.spans;
    this.pendingBytes -= p.len;
    if (err) {
      this.drop('sendFailed', p.spans, err.message);
    } else {
      this.st.sent += p.spans;
      this.st.packets++;
      this.st.bytes += total;
      this.lastSent = { spans: p.spans, bytes: total };
    }
    if (p.buf.length === this.chunkSize && this.pool.length < POOL_SIZE) this.pool.push(p.buf);
    this.packetsDone++;
    if (this.waiters.length > 0) {
      const done = this.packetsDone;
      const still: typeof this.waiters = [];
      for (const w of this.waiters) {
        if (done >= w.target) w.resolve();
        else still.push(w);
      }
      this.waiters = still;
    }
    if (this.queue.length > 0) this.scheduleDrain();
  }

  private readonly onLateError = (err: Error): void => {
    const last = this.lastSent;
    this.lastSent = null;
    if (last === null) return;
    this.st.sent -= last.spans;
    this.st.packets--;
    this.st.bytes -= last.bytes;
    this.drop('sendFailed', last.spans, err.message);
  };

  private noteTruncation(problem: string): void {
    this.unloggedShortened++;
    this.unloggedAny = true;
    this.lastShortened = problem;
    this.maybeLog(false);
  }

  private drop(reason: DropReason, n: number, problem: string): void {
    this.st[reason] += n;
    this.unlogged[reason] += n;
    this.unloggedAny = true;
    this.lastProblem[reason] = problem;
    this.maybeLog(false);
  }

  /** Logs the drops since the last message, at most once per `logIntervalMs` unless `force`. */
  private maybeLog(force: boolean): void {
    if (!this.unloggedAny) return;
    const now = dateNow();
    if (!force && now - this.lastLogAt < this.logIntervalMs) return;
    this.lastLogAt = now;
    const u = this.unlogged;
    const total = u.queueFull + u.tooLarge + u.sendFailed;
    const parts: string[] = [];
    for (const r of ['queueFull', 'tooLarge', 'sendFailed'] as const) {
      if (u[r] > 0) parts.push(`${r}=${u[r]} (last: ${this.lastProblem[r]})`);
    }
    const shortened = this.unloggedShortened;
    const dropped = total > 0 ? `spanwise reporter dropped ${total} span(s): ${parts.join(', ')}` : '';
    const kept = shortened > 0 ? `spanwise reporter shortened ${shortened} span(s) (last: ${this.lastShortened})` : '';
    const msg = dropped && kept ? `${dropped}; ${kept.slice('spanwise reporter '.length)}` : dropped || kept;
    this.unlogged = { queueFull: 0, tooLarge: 0, sendFailed: 0 };
    this.unloggedShortened = 0;
    this.unloggedAny = false;
    try {
      if (u.sendFailed > 0) this.logger.error(msg);
      else this.logger.warn(msg);
    } catch {
      /* a broken logger must not break the app */
    }
  }
}

function invalid(setting: string, value: unknown, expected: string): Error {
  return new Error(`spanwise reporter: invalid ${setting} ${JSON.stringify(value) ?? String(value)}: expected ${expected}`);
}

function checkInt(config: ReporterConfig, key: keyof ReporterConfig, min: number, max: number): void {
  const v = config[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(key, v, `an integer from ${min} to ${max}`);
  }
}

/**
 * Validates `config` and builds a reporter: HTTP to `endpoint` when given, UDP to the agent otherwise.
 * @throws Error naming the offending setting when the configuration is invalid.
 */
export function createReporter(config: ReporterConfig = {}): SpanwiseReporter {
  if (config === null || typeof config !== 'object') throw invalid('config', config, 'an object');
  const useHttp = config.endpoint !== undefined && config.endpoint !== '';
  if (config.agentHost !== undefined && (typeof config.agentHost !== 'string' || config.agentHost.trim() === '')) {
    throw invalid('agentHost', config.agentHost, 'a non-empty host name or IP');
  }
  checkInt(config, 'agentPort', 1, 65535);
  checkInt(config, 'maxPacketSize', 512, useHttp ? 1024 * 1024 * 1024 : MAX_UDP_PAYLOAD);
  checkInt(config, 'flushIntervalMs', 1, 2 ** 31 - 1);
  checkInt(config, 'maxQueueSpans', 1, 2 ** 31 - 1);
  checkInt(config, 'maxQueueBytes', 1024, Number.MAX_SAFE_INTEGER);
  checkInt(config, 'timeoutMs', 1, 2 ** 31 - 1);
  checkInt(config, 'maxRetries', 0, 100);
  checkInt(config, 'retryBackoffMs', 0, 600_000);
  checkInt(config, 'closeTimeoutMs', 0, 2 ** 31 - 1);
  checkInt(config, 'logIntervalMs', 0, 2 ** 31 - 1);
  checkInt(config, 'maxValueLength', 16, 2 ** 30);
  checkInt(config, 'maxStackLength', 64, 2 ** 30);
  for (const key of ['user', 'password', 'token'] as const) {
    const v = config[key];
    if (v !== undefined && typeof v !== 'string') throw invalid(key, '<hidden>', 'a string');
  }
  if ((config.user === undefined) !== (config.password === undefined)) {
    throw new Error('spanwise reporter: invalid user/password: both must be set for basic auth');
  }
  if (config.token !== undefined && config.user !== undefined) {
    throw new Error('spanwise reporter: invalid token: token and user/password are mutually exclusive');
  }
  const logger = config.logger;
  if (logger !== undefined) {
    for (const m of ['info', 'warn', 'error'] as const) {
      if (typeof (logger as unknown as Record<string, unknown>)?.[m] !== 'function') {
        throw invalid('logger', typeof logger, `an object with info(), warn() and error() methods (missing ${m})`);
      }
    }
  }
  let transport: Transport;
  if (useHttp) {
    let url: URL;
    try {
      url = new URL(String(config.endpoint));
    } catch {
      throw invalid('endpoint', config.endpoint, 'an http:// or https:// URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw invalid('endpoint', config.endpoint, 'an http:// or https:// URL');
    }
    transport = new HttpSender({
      endpoint: url.toString(),
      user: config.user,
      password: config.password,
      token: config.token,
      timeoutMs: config.timeoutMs ?? DEFAULTS.timeoutMs,
      maxRetries: config.maxRetries ?? DEFAULTS.maxRetries,
      retryBackoffMs: config.retryBackoffMs ?? DEFAULTS.retryBackoffMs,
    });
  } else {
    transport = new UdpSender({ host: config.agentHost ?? DEFAULTS.agentHost, port: config.agentPort ?? DEFAULTS.agentPort });
  }
  return new SpanwiseReporter(transport, {
    maxPacketSize: config.maxPacketSize ?? (useHttp ? DEFAULTS.httpMaxPacketSize : DEFAULTS.udpMaxPacketSize),
    flushIntervalMs: config.flushIntervalMs,
    maxQueueSpans: config.maxQueueSpans,
    maxQueueBytes: config.maxQueueBytes,
    closeTimeoutMs: config.closeTimeoutMs,
    logIntervalMs: config.logIntervalMs,
    jaegerCompatible: config.jaegerCompatible,
    maxValueLength: config.maxValueLength,
    maxStackLength: config.maxStackLength,
    logger,
  });
}
