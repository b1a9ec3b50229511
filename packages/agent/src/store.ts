import { buildTree, mainRoot, parentIdOf } from './timing';
import type { DecodedSpan, TagValue, Trace } from './types';

export interface TraceStoreOptions {
  /** Most traces kept; the least recently updated are forgotten first. Default 1000. */
  maxTraces?: number;
  /** Estimated memory bound of the kept spans in bytes (see {@link estimateSpanBytes}). Default 64 MiB. */
  maxBytes?: number;
}

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootOperation: string;
  /** µs since the epoch: the earliest span start. */
  startTime: number;
  /** µs from the earliest start to the latest end. */
  duration: number;
  spanCount: number;
  /** Sorted. */
  services: string[];
  /** Spans tagged error=true. */
  errors: number;
}

export interface TraceFilter {
  /** Some span of the trace has this service. */
  service?: string;
  /** Some span has this operation (of `service`, when both are given). Each criterion may match a different span. */
  operation?: string;
  /** `key=value`: some span has this tag with this value (compared as text); `key` alone: has the tag. */
  tag?: string;
  /** Trace duration at least this many µs. */
  minDuration?: number;
  errorsOnly?: boolean;
}

export interface TraceStoreStats {
  traces: number;
  spans: number;
  /** Estimated bytes held. */
  bytes: number;
  /** Traces forgotten to stay within the bounds. */
  evictedTraces: number;
  /** Spans refused: a repeated span id, or a trace that alone would exceed maxBytes. */
  droppedSpans: number;
}

interface Entry {
  spans: DecodedSpan[];
  ids: Set<string>;
  bytes: number;
  summary?: TraceSummary;
}

const DEFAULT_MAX_TRACES = 1000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** Rough fixed cost of a span object, its arrays and records in V8, beyond its strings. */
const SPAN_OVERHEAD = 400;

function valueBytes(v: TagValue): number {
  return typeof v === 'string' ? 2 * v.length + 16 : 16;
}

function recordBytes(r: Record<string, TagValue>): number {
  let n = 0;
  for (const k in r) n += 2 * k.length + 16 + valueBytes(r[k]);
  return n;
}

/** An estimate of the memory a decoded span holds (strings at 2 bytes a char plus fixed overheads). */
export function estimateSpanBytes(s: DecodedSpan): number {
  let n = SPAN_OVERHEAD + 2 * (s.operationName.length + s.serviceName.length) + recordBytes(s.tags) + recordBytes(s.processTags);
  for (const l of s.logs) n += 48 + recordBytes(l.fields);
  return n + 64 * s.references.length;
}

export function isErrorSpan(s: DecodedSpan): boolean {
  return s.tags.error === true || s.tags.error === 'true';
}

function summarize(traceId: string, spans: readonly DecodedSpan[]): TraceSummary {
  let start = Infinity;
  let end = -Infinity;
  let errors = 0;
  const services = new Set<string>();
  let root: DecodedSpan | undefined;
  for (const s of spans) {
    start = Math.min(start, s.startTime);
    end = Math.max(end, s.startTime + s.duration);
    services.add(s.serviceName);
    if (isErrorSpan(s)) errors++;
    if (parentIdOf(s) === undefined && (!root || s.startTime < root.startTime)) root = s;
  }
  root ??= mainRoot(buildTree(spans))?.span ?? spans[0];
  return { traceId, rootService: root.serviceName, rootOperation: root.operationName, startTime: start, duration: end - start, spanCount: spans.length, services: [...services].sort(), errors };
}

/** Parses a `key=value` (or `key`) tag filter. */
function tagMatcher(tag: string): (s: DecodedSpan) => boolean {
  const eq = tag.indexOf('=');
  const key = (eq < 0 ? tag : tag.slice(0, eq)).trim();
  const value = eq < 0 ? undefined : tag.slice(eq + 1).trim();
  return (s) => key in s.tags && (value === undefined || String(s.tags[key]) === value);
}

/**
 * The viewer's memory: the most recent traces, bounded by count and estimated bytes. Receivers hand it decoded
 * spans with {@link TraceStore.add} (any receiver path: Jaeger UDP, Jaeger HTTP, OTLP, a loaded file).
 */
export class TraceStore {
  readonly maxTraces: number;
  readonly maxBytes: number;
  /** Insertion order = least recently updated first. */
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(traceIds: string[]) => void>();
  private spanCount = 0;
  private bytes = 0;
  private evicted = 0;
  private dropped = 0;

  constructor(options: TraceStoreOptions = {}) {
    this.maxTraces = options.maxTraces ?? DEFAULT_MAX_TRACES;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isInteger(this.maxTraces) || this.maxTraces < 1) throw new RangeError(`maxTraces must be an integer >= 1, got ${this.maxTraces}`);
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1024) throw new RangeError(`maxBytes must be an integer >= 1024, got ${this.maxBytes}`);
  }

  /** Adds spans (a span id already held for its trace is ignored), then forgets old traces beyond the bounds. */
  add(spans: readonly DecodedSpan[]): void {
    const touched = new Set<string>();
    for (const span of spans) {
      if (this.addSpan(span)) touched.add(span.traceId);
    }
    if (!touched.size) return;
    this.evict();
    const live = [...touched].filter((id) => this.entries.has(id));
    if (live.length) for (const l of this.listeners) l(live);
  }

  private addSpan(span: DecodedSpan): boolean {
    let entry = this.entries.get(span.traceId);
    const size = estimateSpanBytes(span);
    if ((entry && entry.ids.has(span.spanId)) || (entry ? entry.bytes : 0) + size > this.maxBytes) {
      this.dropped++;
      return false;
    }
    if (entry) this.entries.delete(span.traceId); // re-inserted last: most recently updated
    else entry = { spans: [], ids: new Set(), bytes: 0 };
    this.entries.set(span.traceId, entry);
    entry.spans.push(span);
    entry.ids.add(span.spanId);
    entry.bytes += size;
    entry.summary = undefined;
    this.spanCount++;
    this.bytes += size;
    return true;
  }

  private evict(): void {
    for (const [traceId, entry] of this.entries) {
      if (this.entries.size <= this.maxTraces && this.bytes <= this.maxBytes) return;
      this.entries.delete(traceId);
      this.spanCount -= entry.spans.length;
      this.bytes -= entry.bytes;
      this.evicted++;
    }
  }

  /** Called with the ids of the traces that changed, after every {@link add} that kept something. Returns an unsubscribe function. */
  onChange(listener: (traceIds: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(traceId: string): Trace | undefined {
    const entry = this.entries.get(traceId);
    return entry && { traceId, spans: entry.spans.slice().sort((a, b) => a.startTime - b.startTime) };
  }

  summary(traceId: string): TraceSummary | undefined {
    const entry = this.entries.get(traceId);
    if (!entry) return undefined;
    return (entry.summary ??= summarize(traceId, entry.spans));
  }

  /** Summaries of the traces matching the filter, newest (latest start) first. */
  list(filter: TraceFilter = {}): TraceSummary[] {
    const matches = this.matcher(filter);
    const out: TraceSummary[] = [];
    for (const [traceId, entry] of this.entries) {
      const summary = this.summary(traceId)!;
      if (matches(summary, entry.spans)) out.push(summary);
    }
    return out.sort((a, b) => b.startTime - a.startTime || (a.traceId < b.traceId ? -1 : 1));
  }

  /** The traces matching the filter, newest first. */
  query(filter: TraceFilter = {}): Trace[] {
    return this.list(filter).map((s) => this.get(s.traceId)!);
  }

  /** All traces, oldest first. */
  traces(): Trace[] {
    return this.query().reverse();
  }

  stats(): TraceStoreStats {
    return { traces: this.entries.size, spans: this.spanCount, bytes: this.bytes, evictedTraces: this.evicted, droppedSpans: this.dropped };
  }

  private matcher(f: TraceFilter): (summary: TraceSummary, spans: readonly DecodedSpan[]) => boolean {
    const tagOk = f.tag ? tagMatcher(f.tag) : undefined;
    const operationOk = f.operation ? (s: DecodedSpan) => s.operationName === f.operation && (!f.service || s.serviceName === f.service) : undefined;
    return (summary, spans) =>
      (!f.service || summary.services.includes(f.service)) &&
      (!f.minDuration || summary.duration >= f.minDuration) &&
      (!f.errorsOnly || summary.errors > 0) &&
      (!operationOk || spans.some(operationOk)) &&
      (!tagOk || spans.some(tagOk));
  }
}
