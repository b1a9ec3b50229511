import { ConfigurationError, type OtlpOptions, type PropagationOptions, type ReporterOptions, type SamplerOptions, type SpanwiseOptions } from './config';
import type { RedactionOptions } from './redaction';

/**
 * Unknown option keys fail at startup with a "did you mean": a misspelt option (`ignor`, `headerAsTags`) would
 * otherwise be silently ignored. Every public options object is checked through `checkOptionKeys`.
 */

/** The keys of an options type, listed once; the compiler fails when an option is added to the type but not here. */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

export function optionKeys<T>(keys: OptionKeys<T>): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/**
 * Throw a ConfigurationError for the first key of `options` not in `known`, naming it (`where option "key"`) and
 * the closest known key. `undefined` passes; anything else that is not a plain object fails.
 */
export function checkOptionKeys(options: unknown, known: readonly string[], where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ConfigurationError(`${where} options`, 'an object', options);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ConfigurationError(`${where} option "${key}"`, `one of ${known.join(', ')}${didYouMean(key, known)}`, key);
  }
}

function didYouMean(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const close = best !== undefined && (bestDistance <= Math.max(2, Math.floor(key.length / 3)) || best.startsWith(key) || key.startsWith(best));
  return close ? ` (did you mean "${best}"?)` : '';
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

const INIT_KEYS = optionKeys<SpanwiseOptions>({
  serviceName: true,
  tracer: true,
  disabled: true,
  sampler: true,
  reporter: true,
  tags: true,
  propagation: true,
  traceId128bit: true,
  requireParent: true,
  redaction: true,
  logLevel: true,
  logger: true,
  flushOnExit: true,
  flushTimeoutMs: true,
});
const SAMPLER_KEYS = optionKeys<SamplerOptions>({ type: true, param: true, hostPort: true, refreshIntervalMs: true });
const REPORTER_KEYS = optionKeys<ReporterOptions>({
  implementation: true,
  agentHost: true,
  agentPort: true,
  endpoint: true,
  user: true,
  password: true,
  token: true,
  flushIntervalMs: true,
  timeoutMs: true,
  logSpans: true,
  maxPacketSize: true,
  maxQueueSpans: true,
  maxQueueBytes: true,
  maxRetries: true,
  maxValueLength: true,
  maxStackLength: true,
  exporter: true,
  otlp: true,
});
const OTLP_KEYS = optionKeys<OtlpOptions>({
  endpoint: true,
  protocol: true,
  headers: true,
  compression: true,
  timeoutMs: true,
  attributeNaming: true,
  resourceAttributes: true,
  serviceVersion: true,
});
const PROPAGATION_KEYS = optionKeys<PropagationOptions>({ inject: true, extract: true, maxBaggageItems: true, maxBaggageBytes: true, maxTraceStateBytes: true });
const REDACTION_KEYS = optionKeys<RedactionOptions>({ headers: true, recordSecretHeaders: true, queryParams: true, replacement: true });

/** The keys of `init()` options and of its nested objects. */
export function checkInitOptions(options: SpanwiseOptions): void {
  checkOptionKeys(options, INIT_KEYS, 'init()');
  checkOptionKeys(options.sampler, SAMPLER_KEYS, 'init() sampler');
  checkOptionKeys(options.reporter, REPORTER_KEYS, 'init() reporter');
  checkOptionKeys(options.reporter?.otlp, OTLP_KEYS, 'init() reporter.otlp');
  checkOptionKeys(options.propagation, PROPAGATION_KEYS, 'init() propagation');
  checkOptionKeys(options.redaction, REDACTION_KEYS, 'init() redaction');
}
