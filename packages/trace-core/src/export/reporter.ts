import { suppressTracing } from '../context';
import { flushAtExit } from '../exit-hooks';
import { BufferPool } from './buffer-pool';
import { clearIntervalReal, clearTimeoutReal, setIntervalReal, setTimeoutReal } from './clock';
import { DropLog } from './drop-log';
import { SpanEncoder, type JaegerKeyValue, type JaegerSpanLike } from './encoder';
import type { ReporterEncoder } from './otlp-encoder';
import { Pacer } from './pacer';
import { PacketQueue, type Packet } from './packet-queue';
import { DEFAULTS } from './reporter-settings';
import { ReporterCounters, type DropReason, type ReporterStats } from './reporter-stats';
import { capSpanValues, shrinkSpan, SHRINK_STEPS, type SpanLimits } from './span-limits';
import type { ReporterLogger, Transport } from './types';

/** Options of the {@link SpanwiseReporter} constructor (the queueing part of `ReporterConfig`). */
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
  /** Flushed at process exit by core's exit hooks (default true; core passes false and flushes its tracer itself). */
  flushOnExit?: boolean;
  /** Another wire format (OTLP): makes the span encoder, given its initial buffer size. Default: Thrift. */
  encoder?: (initialSize: number) => ReporterEncoder;
  /** With `encoder`: encodes the process (service name and tracer tags) handed to `Transport.framing`. */
  encodeProcess?: (serviceName: string, tags: JaegerKeyValue[]) => Buffer;
}

/** Envelope size assumed until `setProcess()` tells the real one. */
const PROVISIONAL_OVERHEAD = 1024;

const defaultLogger: ReporterLogger = {
  info: () => undefined,
  warn: (msg) => console.warn(msg),
  error: (msg) => console.error(msg),
};

/**
 * jaeger-client reporter that encodes each finished span immediately (Thrift binary, see {@link SpanEncoder}, or
 * OTLP) into the open packet ({@link PacketQueue}), and has full packets sent through a {@link Transport} at a paced
 * rate ({@link Pacer}); every span is counted as sent, dropped or pending ({@link ReporterCounters}), drops are logged
 * at a limited rate ({@link DropLog}). Pass it to jaeger-client as `initTracer(config, { reporter })`.
 *
 * It installs no process hooks of its own: unless `flushOnExit: false`, core's exit hooks ({@link flushAtExit}) call
 * {@link flush} when the event loop runs empty or a signal arrives, and {@link sendPendingNow} at `exit`.
 */
export class SpanwiseReporter {
  private readonly transport: Transport;
  private readonly enc: ReporterEncoder;
  private readonly encodeProcess: (serviceName: string, tags: JaegerKeyValue[]) => Buffer;
  private readonly queue: PacketQueue;
  private readonly pacer: Pacer;
  private readonly counters = new ReporterCounters();
  private readonly log: DropLog;
  private readonly limits: SpanLimits;
  private readonly maxPacketSize: number;
  private readonly maxQueueSpans: number;
  private readonly maxQueueBytes: number;
  private readonly closeTimeoutMs: number;
  private readonly chunkSize: number;
  private readonly timer: NodeJS.Timeout;
  private readonly logger: ReporterLogger;
  /** Bytes one span may take: the packet size minus the envelope. */
  private spanBudget: number;
  private readonly stopExitFlush: (() => void) | undefined;
  private closed = false;
  private closePromise: Promise<void> | null = null;

  constructor(transport: Transport, options: SpanwiseReporterOptions) {
    this.transport = transport;
    transport.onLateError = this.onLateError;
    this.logger = options.logger ?? defaultLogger;
    this.log = new DropLog(this.logger, options.logIntervalMs ?? DEFAULTS.logIntervalMs);
    this.maxPacketSize = options.maxPacketSize;
    this.maxQueueSpans = options.maxQueueSpans ?? DEFAULTS.maxQueueSpans;
    this.maxQueueBytes = options.maxQueueBytes ?? DEFAULTS.maxQueueBytes;
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs;
    this.limits = {
      maxValueLength: options.maxValueLength ?? DEFAULTS.maxValueLength,
      maxStackLength: options.maxStackLength ?? DEFAULTS.maxStackLength,
    };
    this.spanBudget = this.maxPacketSize - PROVISIONAL_OVERHEAD;
    this.chunkSize = this.maxPacketSize + 8192;
    const jaegerCompatible = options.jaegerCompatible;
    this.enc = options.encoder?.(this.chunkSize) ?? new SpanEncoder({ jaegerCompatible, initialSize: this.chunkSize });
    this.encodeProcess = options.encodeProcess ?? ((serviceName, tags) => thriftProcess(serviceName, tags, jaegerCompatible));
    this.queue = new PacketQueue(this.enc, new BufferPool(this.chunkSize));
    this.pacer = new Pacer(transport, this.queue, this.onPacketOutcome);
    this.timer = setIntervalReal(this.tick, options.flushIntervalMs ?? DEFAULTS.flushIntervalMs);
    this.timer.unref();
    this.stopExitFlush = options.flushOnExit === false ? undefined : flushAtExit(this, this.closeTimeoutMs);
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
    const framing = this.transport.framing(this.encodeProcess(serviceName, tags));
    this.pacer.framing = framing;
    this.spanBudget = this.maxPacketSize - framing.overhead;
    if (this.spanBudget < 64) {
      this.logger.error(
        `spanwise reporter: maxPacketSize ${this.maxPacketSize} leaves no room for spans after the ${framing.overhead}-byte envelope; every span will be dropped`,
      );
    }
    if (this.queue.length > 0 || this.queue.openSpans > 0) this.pacer.schedule();
    // The tracer exists from now on: connect, so spans can still be sent synchronously if the process exits early.
    suppressTracing(() => this.transport.prepare?.());
  }

  /** Encodes a finished span into the open packet (jaeger-client reporter interface). Never throws. */
  report(span: JaegerSpanLike): void {
    this.counters.reported++;
    if (this.closed) return this.drop('queueFull', 1, 'span reported after close()');
    if (this.queue.pendingSpans >= this.maxQueueSpans) return this.drop('queueFull', 1, `queue full (maxQueueSpans ${this.maxQueueSpans})`);
    const enc = this.enc;
    const start = enc.pos;
    let len: number;
    try {
      this.counters.truncatedValues += capSpanValues(span, this.limits);
      len = enc.encodeSpan(span);
      if (len > this.spanBudget) len = this.encodeShrunk(span, start, len);
    } catch (err) {
      enc.pos = start;
      return this.drop('sendFailed', 1, `cannot encode span: ${(err as Error)?.message ?? err}`);
    }
    if (len > this.spanBudget) return this.dropTooLarge(span, start, len);
    if (this.queue.pendingBytes + len > this.maxQueueBytes) {
      enc.pos = start;
      return this.drop('queueFull', 1, `queue full (maxQueueBytes ${this.maxQueueBytes})`);
    }
    if (enc.pos > this.spanBudget && this.queue.cut(start)) this.pacer.schedule();
    this.queue.added(len);
  }

  /**
   * Sends the open packet and resolves when every packet created so far was delivered or dropped.
   * Never rejects. Accepts a jaeger-style callback too.
   */
  flush(callback?: (err?: Error) => void): Promise<void> {
    if (this.queue.closeOpenPacket()) this.pacer.schedule();
    const settled = this.queue.whenSettled();
    if (callback) void settled.then(() => callback());
    return settled;
  }

  /** Whether spans are held (open packet, queued or in flight). */
  hasPending(): boolean {
    return this.queue.pendingSpans > 0;
  }

  /**
   * For process exit, when no event-loop turn is left for the paced sends: a transport that can send synchronously
   * (UDP on a connected socket) ships what is open and queued now; the rest is counted as `sendFailed`.
   */
  sendPendingNow(): void {
    this.queue.closeOpenPacket();
    this.pacer.sendAllNow();
    this.log.maybeLog(true);
  }

  /**
   * Flushes, waits for in-flight messages (at most `closeTimeoutMs`), then closes the sockets.
   * Spans still pending after that are counted as `sendFailed`. Idempotent.
   */
  close(callback?: (err?: Error) => void): Promise<void> {
    if (!this.closePromise) {
      clearIntervalReal(this.timer);
      this.stopExitFlush?.();
      const flushed = this.flush();
      this.closed = true;
      let timeout: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timeout = setTimeoutReal(resolve, this.closeTimeoutMs);
      });
      this.closePromise = Promise.race([flushed, timedOut]).then(() => {
        clearTimeoutReal(timeout);
        const lost = this.queue.discardQueued();
        if (lost > 0) this.drop('sendFailed', lost, 'not delivered before close() timed out');
        this.transport.close();
        this.log.maybeLog(true);
        this.queue.resolveWaiters(true);
      });
    }
    if (callback) void this.closePromise.then(() => callback());
    return this.closePromise;
  }

  /** A snapshot of the counters. */
  stats(): ReporterStats {
    return this.counters.snapshot(this.queue.pendingSpans, this.queue.pendingBytes);
  }

  // ------------------------------------------------------------------ internals

  private readonly tick = (): void => {
    if (this.queue.closeOpenPacket()) this.pacer.schedule();
    this.log.maybeLog(false);
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
      this.counters.truncatedSpans++;
      this.log.shortenedSpan(`span ${span._operationName} shortened to fit one packet (${this.spanBudget} bytes)`);
    }
    return len;
  }

  private dropTooLarge(span: JaegerSpanLike, start: number, len: number): void {
    this.enc.pos = start;
    if (this.enc.buf.length > this.chunkSize * 4) this.queue.shrinkOpenBuffer();
    this.drop('tooLarge', 1, `span ${span._operationName} encodes to ${len} bytes even shortened, over the ${this.spanBudget} bytes a packet can hold`);
  }

  private readonly onPacketOutcome = (p: Packet, bytes: number, err: Error | null): void => {
    this.queue.done(p);
    if (err) this.drop('sendFailed', p.spans, err.message);
    else this.counters.delivered(p.spans, bytes);
  };

  private readonly onLateError = (err: Error): void => {
    const spans = this.counters.undoLastDelivery();
    if (spans > 0) this.drop('sendFailed', spans, err.message);
  };

  private drop(reason: DropReason, n: number, problem: string): void {
    this.counters[reason] += n;
    this.log.dropped(reason, n, problem);
  }
}

function thriftProcess(serviceName: string, tags: JaegerKeyValue[], jaegerCompatible: boolean | undefined): Buffer {
  const e = new SpanEncoder({ jaegerCompatible, initialSize: 512 });
  e.encodeProcess(serviceName, tags);
  return e.take();
}
