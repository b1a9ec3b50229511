import type { BufferPool } from './buffer-pool';
import type { ReporterEncoder } from './otlp-encoder';

/** A closed packet: `len` encoded bytes of `spans` spans at the start of `buf`. */
export interface Packet {
  buf: Buffer;
  len: number;
  spans: number;
}

/**
 * The open packet (the spans encoded at the end of the encoder's buffer) and the closed packets waiting to be sent,
 * with what they hold (`pendingSpans`, `pendingBytes`: open + queued + in flight) and the promises of `flush()`.
 */
export class PacketQueue {
  /** Spans in the open packet. */
  openSpans = 0;
  pendingSpans = 0;
  pendingBytes = 0;
  private readonly queued: Packet[] = [];
  private created = 0;
  private settled = 0;
  private waiters: Array<{ target: number; resolve: () => void }> = [];

  constructor(
    private readonly enc: ReporterEncoder,
    private readonly pool: BufferPool,
  ) {}

  get length(): number {
    return this.queued.length;
  }

  /** Counts a span of `len` bytes just encoded into the open packet. */
  added(len: number): void {
    this.openSpans++;
    this.pendingSpans++;
    this.pendingBytes += len;
  }

  /**
   * Closes the open packet at `end`; bytes after `end` (a span that did not fit) move to the next buffer.
   * Returns whether a packet was queued.
   */
  cut(end: number): boolean {
    const enc = this.enc;
    const old = enc.buf;
    const tail = enc.pos - end;
    const next = this.pool.take(tail);
    if (tail > 0) old.copy(next, 0, end, end + tail);
    enc.buf = next;
    enc.pos = tail;
    if (this.openSpans === 0) return false;
    this.queued.push({ buf: old, len: end, spans: this.openSpans });
    this.created++;
    this.openSpans = 0;
    return true;
  }

  /** Closes the open packet if it holds spans; returns whether one was queued. */
  closeOpenPacket(): boolean {
    return this.openSpans > 0 && this.cut(this.enc.pos);
  }

  /** Gives back the memory of an oversized span's encoding (after a huge span was dropped). */
  shrinkOpenBuffer(): void {
    const next = Buffer.allocUnsafe(Math.max(this.pool.size, this.enc.pos));
    this.enc.buf.copy(next, 0, 0, this.enc.pos);
    this.enc.buf = next;
  }

  /** The oldest queued packet, taken off the queue (still pending until {@link done}). */
  take(): Packet | undefined {
    return this.queued.shift();
  }

  /** A packet was delivered or dropped: it is no longer pending, and flushes waiting for it resolve. */
  done(p: Packet): void {
    this.pendingSpans -= p.spans;
    this.pendingBytes -= p.len;
    this.pool.give(p.buf);
    this.settled++;
    if (this.waiters.length > 0) this.resolveWaiters(false);
  }

  /** Drops every queued packet (not those in flight); returns how many spans they held. */
  discardQueued(): number {
    let lost = 0;
    for (let p = this.take(); p !== undefined; p = this.take()) {
      lost += p.spans;
      this.done(p);
    }
    return lost;
  }

  /** Resolves when every packet closed so far was delivered or dropped. */
  whenSettled(): Promise<void> {
    const target = this.created;
    return new Promise<void>((resolve) => {
      if (this.settled >= target) resolve();
      else this.waiters.push({ target, resolve });
    });
  }

  /** Resolves every pending {@link whenSettled} (`all`), or those whose packets are settled. */
  resolveWaiters(all: boolean): void {
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (all || this.settled >= w.target) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}
