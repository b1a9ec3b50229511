/** Drop accounting of a reporter: what was reported, sent, dropped (by reason) and shortened. */

/** Why spans were dropped. */
export type DropReason = 'queueFull' | 'tooLarge' | 'sendFailed';

/** Counters of a `SpanwiseReporter` (monotonic since creation, except `pending`). */
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

/** The counters behind {@link ReporterStats}, updated in place. */
export class ReporterCounters {
  reported = 0;
  sent = 0;
  queueFull = 0;
  tooLarge = 0;
  sendFailed = 0;
  packets = 0;
  bytes = 0;
  truncatedValues = 0;
  truncatedSpans = 0;
  /** The most recently delivered message, re-counted as failed if the transport reports a late error. */
  private lastSent: { spans: number; bytes: number } | null = null;

  delivered(spans: number, bytes: number): void {
    this.sent += spans;
    this.packets++;
    this.bytes += bytes;
    this.lastSent = { spans, bytes };
  }

  /** Takes back the last delivery (the transport learnt later that it failed); returns its span count, 0 if none. */
  undoLastDelivery(): number {
    const last = this.lastSent;
    this.lastSent = null;
    if (last === null) return 0;
    this.sent -= last.spans;
    this.packets--;
    this.bytes -= last.bytes;
    return last.spans;
  }

  snapshot(pendingSpans: number, pendingBytes: number): ReporterStats {
    return {
      reported: this.reported,
      sent: this.sent,
      dropped: { queueFull: this.queueFull, tooLarge: this.tooLarge, sendFailed: this.sendFailed },
      truncated: { values: this.truncatedValues, spans: this.truncatedSpans },
      packets: this.packets,
      bytes: this.bytes,
      pending: { spans: pendingSpans, bytes: pendingBytes },
    };
  }
}
