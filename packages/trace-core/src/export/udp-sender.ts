import * as dgram from 'dgram';
import * as dns from 'dns';
import * as net from 'net';
import { dateNow, nextTickReal, setImmediateReal } from './clock';
import { emitBatchFraming, type Framing } from './encoder';
import type { Transport } from './types';

/** Options of {@link UdpSender}. */
export interface UdpSenderOptions {
  /** Agent host name or IP (default `127.0.0.1`). */
  host?: string;
  /** Agent port for binary-Thrift `emitBatch` (default 6832, jaeger-agent's `processor.jaeger-binary`). */
  port?: number;
  /** After a DNS/connect failure, sends fail fast for this long before the next attempt (default 5000 ms). */
  retryConnectMs?: number;
}

const IDLE = 0;
const CONNECTING = 1;
const READY = 2;
const FAILED = 3;
const CLOSED = 4;

/**
 * Sends `Agent.emitBatch` messages over one connected, unref'd UDP socket.
 *
 * The socket is connected (not just addressed per packet) so that the host is resolved once and so
 * that ICMP "port unreachable" from a missing local agent surfaces as `ECONNREFUSED` on later sends.
 */
export class UdpSender implements Transport {
  readonly kind = 'udp' as const;
  readonly maxInFlight = 16;
  /** One maximum-size datagram per event-loop turn, so a receiver in the same process/host can keep up. */
  readonly bytesPerTurn = 65536;
  readonly host: string;
  readonly port: number;
  private readonly retryConnectMs: number;
  private socket: dgram.Socket | null = null;
  private state = IDLE;
  private failedAt = 0;
  private failure: Error | null = null;
  onLateError?: (err: Error) => void;
  private waiting: Array<{ parts: Buffer[]; length: number; done: (err: Error | null) => void }> = [];

  constructor(options: UdpSenderOptions = {}) {
    this.host = options.host || '127.0.0.1';
    this.port = options.port || 6832;
    this.retryConnectMs = options.retryConnectMs ?? 5000;
  }

  framing(process: Buffer): Framing {
    return emitBatchFraming(process);
  }

  send(parts: Buffer[], length: number, done: (err: Error | null) => void): void {
    const state = this.state;
    if (state === READY) {
      try {
        if (process.nextTick === nextTickReal) (this.socket as dgram.Socket).send(parts, (err) => done(err ?? null));
        else sendUnderFakeNextTick(this.socket as dgram.Socket, parts, done);
      } catch (err) {
        done(err as Error);
      }
      return;
    }
    if (state === CLOSED) {
      done(new Error('UDP sender is closed'));
      return;
    }
    if (state === FAILED) {
      if (dateNow() - this.failedAt < this.retryConnectMs) {
        done(this.failure);
        return;
      }
      this.connect();
    } else if (state === IDLE) {
      this.connect();
    }
    this.waiting.push({ parts, length, done });
  }

  prepare(): void {
    if (this.state === IDLE) this.connect();
  }

  sendNow(parts: Buffer[]): boolean {
    if (this.state !== READY && !(this.state === CONNECTING && isConnected(this.socket))) return false;
    try {
      // A connected socket writes the datagram in this call; the callback would only come on a later turn.
      (this.socket as dgram.Socket).send(parts);
      return true;
    } catch {
      return false;
    }
  }

  private connect(): void {
    this.state = CONNECTING;
    const family = net.isIP(this.host);
    if (family !== 0) {
      this.open(this.host, family);
      return;
    }
    dns.lookup(this.host, (err, address, fam) => {
      if (this.state !== CONNECTING) return;
      if (err) this.fail(new Error(`cannot resolve Jaeger agent host ${this.host}: ${err.message}`));
      else this.open(address, fam);
    });
  }

  private open(address: string, family: number): void {
    let socket: dgram.Socket;
    try {
      // The address is already resolved: a lookup that answers synchronously makes bind and connect happen in
      // this call, so a process that exits in the same tick that created the tracer can still send.
      socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: resolvedLookup(address, family) });
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    // Send errors go to their callbacks. ICMP port-unreachable for an earlier datagram arrives
    // here as ECONNREFUSED (nothing listening on the agent port): report it as a late failure.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (socket === this.socket && this.onLateError) {
        this.onLateError(new Error(`Jaeger agent ${this.host}:${this.port} unreachable: ${err.code ?? err.message}`));
      }
    });
    socket.unref();
    this.socket = socket;
    socket.connect(this.port, address, (err?: Error) => {
      if (this.state !== CONNECTING) return;
      if (err) this.fail(new Error(`cannot connect UDP socket to ${address}:${this.port}: ${err.message}`));
      else this.ready();
    });
    // Connected already (the lookup answered synchronously): do not wait for the 'connect' event, which an
    // app's fake process.nextTick could hold back for good.
    if (isConnected(socket)) this.ready();
  }

  private ready(): void {
    this.state = READY;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) this.send(w.parts, w.length, w.done);
  }

  private fail(err: Error): void {
    this.state = FAILED;
    this.failure = err;
    this.failedAt = dateNow();
    this.closeSocket();
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.done(err);
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = null;
    if (s) {
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
  }

  close(): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.closeSocket();
    const waiting = this.waiting;
    this.waiting = [];
    const err = new Error('UDP sender is closed');
    for (const w of waiting) w.done(err);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/** A dgram `lookup` that answers with an address resolved beforehand, synchronously. */
function resolvedLookup(address: string, family: number) {
  return (_host: string, options: unknown, callback?: LookupCallback): void => {
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    done(null, address, family);
  };
}

/** Connected at the socket level (the 'connect' event comes a tick later). */
function isConnected(socket: dgram.Socket | null): boolean {
  if (socket === null) return false;
  try {
    socket.remoteAddress();
    return true;
  } catch {
    return false;
  }
}

/**
 * Node reports a datagram sent synchronously through process.nextTick. While an app's fake timers own
 * nextTick that report may never come: send a copy (the pooled packet buffer may be reused) and count
 * it as sent on the next real turn unless an error came first.
 */
function sendUnderFakeNextTick(socket: dgram.Socket, parts: Buffer[], done: (err: Error | null) => void): void {
  let settled = false;
  const settle = (err: Error | null) => {
    if (settled) return;
    settled = true;
    done(err);
  };
  socket.send(Buffer.concat(parts), (err) => settle(err ?? null));
  setImmediateReal(() => settle(null));
}
