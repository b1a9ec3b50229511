import { suppressTracing } from '../context';
import { perfNow, setImmediateReal } from './clock';
import type { Framing } from './encoder';
import type { Packet, PacketQueue } from './packet-queue';
import type { Transport } from './types';

/** Told the outcome of each packet handed to the transport (`err` null: delivered). */
export type PacketOutcome = (p: Packet, bytes: number, err: Error | null) => void;

/**
 * Hands queued packets to the transport from `setImmediate`, within a byte budget per event-loop turn and the
 * transport's in-flight limit, so that a receiver (the agent, or one in the same process) can read between sends.
 */
export class Pacer {
  /** The message envelope; nothing is sent before the tracer's process is known. */
  framing: Framing | null = null;
  private inFlight = 0;
  private scheduled = false;
  private lastDrainAt = 0;

  constructor(
    private readonly transport: Transport,
    private readonly queue: PacketQueue,
    private readonly outcome: PacketOutcome,
  ) {}

  schedule(): void {
    if (!this.scheduled && this.framing !== null) {
      this.scheduled = true;
      // report() runs in the app's context (a request's): the export (HTTP POSTs, retries) must not be traced.
      suppressTracing(this.scheduleDrain);
    }
  }

  private readonly scheduleDrain = (): void => {
    setImmediateReal(this.drain);
  };

  private readonly drain = (): void => {
    this.scheduled = false;
    const framing = this.framing;
    if (framing === null) return;
    const t = this.transport;
    const queue = this.queue;
    // One turn's allowance, plus the same again per millisecond the app kept the loop busy
    // since the last drain (the receiver was reading meanwhile), at most 4 allowances per turn.
    const now = perfNow();
    const per = t.bytesPerTurn;
    let budget = per + Math.min(3 * per, (now - this.lastDrainAt) * per);
    this.lastDrainAt = now;
    while (queue.length > 0 && this.inFlight < t.maxInFlight && budget > 0) {
      const p = queue.take() as Packet;
      const prefix = framing.prefix(p.spans, p.len);
      const total = prefix.length + p.len + framing.suffix.length;
      budget -= total;
      this.inFlight++;
      t.send([prefix, p.buf.subarray(0, p.len), framing.suffix], total, this.onceSent(p, total));
    }
    if (queue.length > 0 && this.inFlight < t.maxInFlight) this.schedule();
  };

  /** The transport's completion callback for one packet (called once, even by a transport that calls twice). */
  private onceSent(p: Packet, total: number): (err: Error | null) => void {
    let called = false;
    return (err) => {
      if (called) return;
      called = true;
      this.inFlight--;
      this.outcome(p, total, err);
      if (this.queue.length > 0) this.schedule();
    };
  }

  /**
   * At process exit no event-loop turn is left: sends every queued packet now if the transport can send
   * synchronously; each packet's outcome is reported (an Error when it could not be sent).
   */
  sendAllNow(): void {
    const framing = this.framing;
    const t = this.transport;
    for (let p = this.queue.take(); p !== undefined; p = this.queue.take()) {
      if (framing !== null && t.sendNow) {
        const prefix = framing.prefix(p.spans, p.len);
        const total = prefix.length + p.len + framing.suffix.length;
        if (t.sendNow([prefix, p.buf.subarray(0, p.len), framing.suffix])) {
          this.outcome(p, total, null);
          continue;
        }
      }
      this.outcome(p, 0, EXITED);
    }
  }
}

const EXITED = new Error('the process exited before these spans could be sent');
