/**
 * Reporter settings: the options of {@link createReporter} and `createOtlpReporter`, their defaults, and their limits,
 * checked in one place. Core's `init()` checks its `reporter` options with the same function, naming the environment
 * variable too, so a bad value fails at startup with the same limit whichever way it was given.
 */
import { ConfigurationError } from '../configuration-error';
import { DEFAULT_SPAN_LIMITS } from './span-limits';
import type { ReporterLogger } from './types';

/** Configuration of `createReporter`. Every field is optional. */
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
  /** Longest string tag or log-field value kept, in characters (default 8192); longer ones are cut, with a marker. */
  maxValueLength?: number;
  /** Longest `stack` log field kept, in characters (default 8192): the message is cut first, then the deepest frames. */
  maxStackLength?: number;
  /**
   * Send what is pending when the process exits (`beforeExit`, `exit`, SIGTERM/SIGINT; default true). Core's `init()`
   * passes false and flushes its reporter itself, under its own `flushOnExit`.
   */
  flushOnExit?: boolean;
  /** Where drops/errors are logged (default: `console.warn`/`console.error`, info discarded). */
  logger?: ReporterLogger;
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
export const MAX_UDP_PAYLOAD = 65507;
/** Largest delay a Node.js timer accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A whole number in [min, max], or (`positive`) any number above 0 up to max. `huge`: max is only a sanity bound, so
 * the message says "at least min".
 */
interface NumberLimit {
  readonly min: number;
  readonly max: number;
  readonly positive?: true;
  readonly huge?: true;
}

/** The numeric settings and their limits (the Thrift and the OTLP exporter share them). */
export const REPORTER_LIMITS = {
  agentPort: { min: 1, max: 65535 },
  udpMaxPacketSize: { min: 512, max: MAX_UDP_PAYLOAD },
  httpMaxPacketSize: { min: 512, max: 2 ** 30 },
  flushIntervalMs: { min: 0, max: MAX_TIMER_MS, positive: true },
  maxQueueSpans: { min: 1, max: 2 ** 31 - 1 },
  maxQueueBytes: { min: 1024, max: Number.MAX_SAFE_INTEGER, huge: true },
  timeoutMs: { min: 0, max: MAX_TIMER_MS, positive: true },
  maxRetries: { min: 0, max: 100 },
  retryBackoffMs: { min: 0, max: 600_000 },
  closeTimeoutMs: { min: 0, max: MAX_TIMER_MS },
  logIntervalMs: { min: 0, max: MAX_TIMER_MS },
  maxValueLength: { min: 16, max: 2 ** 30, huge: true },
  maxStackLength: { min: 64, max: 2 ** 30, huge: true },
} as const satisfies Record<string, NumberLimit>;

type NumberSetting = Exclude<keyof typeof REPORTER_LIMITS, 'udpMaxPacketSize' | 'httpMaxPacketSize'> | 'maxPacketSize';

/** The reporter settings {@link checkReporterSettings} reads (core's reporter options have these too). */
export type CheckedSettings = Partial<Record<NumberSetting, unknown>> & {
  agentHost?: unknown;
  endpoint?: unknown;
  user?: unknown;
  password?: unknown;
  token?: unknown;
  logger?: unknown;
  flushOnExit?: unknown;
};

/** How a setting is named in errors: `agentPort`, or core's `JAEGER_AGENT_PORT (reporter.agentPort)`. */
export type SettingName = (key: string) => string;

const asIs: SettingName = (key) => key;

function checkNumber(value: unknown, limit: NumberLimit, setting: string): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    (limit.positive ? value > 0 && value <= limit.max : Number.isInteger(value) && value >= limit.min && value <= limit.max);
  if (ok) return;
  const expected = limit.positive
    ? `a positive number up to ${limit.max}`
    : limit.huge
      ? `an integer of at least ${limit.min}`
      : `an integer between ${limit.min} and ${limit.max}`;
  throw new ConfigurationError(setting, expected, value);
}

/** Whether spans go over HTTP (an endpoint is set) rather than UDP to the agent. */
export function usesHttp(settings: { endpoint?: unknown }): boolean {
  return settings.endpoint !== undefined && settings.endpoint !== '';
}

/**
 * Throws a {@link ConfigurationError} naming the first invalid setting. `http` (default: an endpoint is set) selects
 * the message size limit; `name` says how settings are named in the error.
 */
export function checkReporterSettings(settings: CheckedSettings, name: SettingName = asIs, http = usesHttp(settings)): void {
  if (settings === null || typeof settings !== 'object') throw new ConfigurationError(name('config'), 'an object', settings);
  for (const key of Object.keys(REPORTER_LIMITS) as (keyof typeof REPORTER_LIMITS)[]) {
    if (key === 'udpMaxPacketSize' || key === 'httpMaxPacketSize') continue;
    checkNumber(settings[key], REPORTER_LIMITS[key], name(key));
  }
  checkNumber(settings.maxPacketSize, http ? REPORTER_LIMITS.httpMaxPacketSize : REPORTER_LIMITS.udpMaxPacketSize, name('maxPacketSize'));
  const host = settings.agentHost;
  if (host !== undefined && (typeof host !== 'string' || host.trim() === '')) throw new ConfigurationError(name('agentHost'), 'a non-empty host name or IP', host);
  if (settings.endpoint !== undefined && !isHttpUrl(settings.endpoint)) {
    throw new ConfigurationError(name('endpoint'), 'an http(s) URL', settings.endpoint);
  }
  checkCredentials(settings, name);
  if (settings.flushOnExit !== undefined && typeof settings.flushOnExit !== 'boolean') throw new ConfigurationError(name('flushOnExit'), 'true or false', settings.flushOnExit);
  checkLogger(settings.logger, name);
}

function checkCredentials(settings: CheckedSettings, name: SettingName): void {
  for (const key of ['user', 'password', 'token'] as const) {
    const value = settings[key];
    if (value !== undefined && typeof value !== 'string') throw new ConfigurationError(name(key), 'a string', '<hidden>');
  }
  if ((settings.user === undefined) !== (settings.password === undefined)) {
    throw new ConfigurationError(name('user/password'), 'both set for basic auth, or neither', settings.user === undefined ? 'password only' : 'user only');
  }
  if (settings.token !== undefined && settings.user !== undefined) {
    throw new ConfigurationError(name('token'), 'unset when user/password are set (one kind of collector auth)', '<hidden>');
  }
}

function checkLogger(logger: unknown, name: SettingName): void {
  if (logger === undefined) return;
  for (const method of ['info', 'warn', 'error'] as const) {
    if (typeof (logger as Record<string, unknown> | null)?.[method] !== 'function') {
      throw new ConfigurationError(name('logger'), `an object with info(), warn() and error() methods (missing ${method})`, typeof logger);
    }
  }
}

export function isHttpUrl(value: unknown): boolean {
  try {
    const url = new URL(String(value));
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
