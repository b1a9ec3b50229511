import { dateNow } from '../export/clock';
import { log } from '../logger';

/** Caps on trace headers read from incoming requests, so the headers Spanwise writes stay small. */
export interface PropagationLimits {
  /** Baggage items kept from `uberctx-*` and W3C `baggage` headers together (default 32). */
  maxBaggageItems: number;
  /** Characters of baggage (keys + values) kept (default 2048); the W3C `baggage` header written is capped the same. */
  maxBaggageBytes: number;
  /** Characters of W3C `tracestate` propagated (default 512, the size the W3C spec asks every vendor to pass on). */
  maxTraceStateBytes: number;
}

export const DEFAULT_PROPAGATION_LIMITS: Readonly<PropagationLimits> = { maxBaggageItems: 32, maxBaggageBytes: 2048, maxTraceStateBytes: 512 };

let limits: PropagationLimits = { ...DEFAULT_PROPAGATION_LIMITS };

/** @internal Set by the tracer from the configuration. */
export function setPropagationLimits(next: PropagationLimits): void {
  limits = { ...next };
}

export function propagationLimits(): PropagationLimits {
  return limits;
}

/** What was removed from incoming trace headers, since the process started. */
export interface PropagationDrops {
  /** `tracestate` headers dropped whole: malformed, duplicate keys, or more than 32 members. */
  traceStateInvalid: number;
  /** `tracestate` headers cut to `maxTraceStateBytes`. */
  traceStateTruncated: number;
  /** Baggage items dropped: over `maxBaggageItems` / `maxBaggageBytes`, or malformed. */
  baggageItems: number;
}

const drops: PropagationDrops = { traceStateInvalid: 0, traceStateTruncated: 0, baggageItems: 0 };
const LOG_INTERVAL_MS = 10_000;
let lastLogAt = -Infinity;
let unlogged = 0;

/** A copy of the drop counters. */
export function propagationDrops(): PropagationDrops {
  return { ...drops };
}

/** Counts a drop and logs it, at most once per 10 s (with how many were not logged in between). */
export function noteDrop(kind: keyof PropagationDrops, count: number, detail: string): void {
  drops[kind] += count;
  unlogged++;
  const now = dateNow();
  if (now - lastLogAt < LOG_INTERVAL_MS) return;
  lastLogAt = now;
  const others = unlogged > 1 ? ` (${unlogged - 1} more since the last message)` : '';
  unlogged = 0;
  log.warn(`incoming trace headers trimmed: ${detail}${others}`);
}
