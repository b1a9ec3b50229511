import type { Framing } from './encoder';

/** Minimal logger the reporter writes to (rate-limited). Compatible with jaeger-client's logger plus `warn`. */
export interface ReporterLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/**
 * A transport moves complete Thrift messages to Jaeger. The reporter owns batching, queueing and
 * accounting; a transport only frames and sends.
 */
export interface Transport {
  /** `'udp'` or `'http'`. */
  readonly kind: 'udp' | 'http';
  /** Largest number of messages handed to {@link Transport.send} before earlier ones completed. */
  readonly maxInFlight: number;
  /**
   * Pacing: bytes handed to the transport per event-loop turn (Infinity: no pacing). The reporter
   * allows up to 4x this in a turn that follows a busy (>1 ms) stretch of the event loop.
   */
  readonly bytesPerTurn: number;
  /** Message framing around an encoded span list, given the encoded Process struct. */
  framing(process: Buffer): Framing;
  /**
   * Sends one message made of `parts` (total `length` bytes). `done` is called exactly once, with
   * an Error when the message was not delivered. Must never throw.
   */
  send(parts: Buffer[], length: number, done: (err: Error | null) => void): void;
  /**
   * Set by the reporter. A transport calls it when it learns asynchronously that a message it
   * already reported as sent was not delivered (UDP: ICMP port unreachable -> ECONNREFUSED on a
   * connected socket). The reporter re-counts the most recently sent message as `sendFailed`.
   */
  onLateError?: (err: Error) => void;
  /** Releases sockets; later sends fail. */
  close(): void;
}
