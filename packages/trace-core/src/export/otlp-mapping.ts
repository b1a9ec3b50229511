/**
 * How a finished jaeger-client span maps onto OTLP (shared by the protobuf and the JSON encoder).
 * The table is documented in docs/export.md ("OTLP mapping").
 */
import * as fs from 'fs';
import * as path from 'path';
import type { JaegerKeyValue, JaegerLog } from './encoder';

/** How span tag names are written: stable OpenTelemetry semantic conventions (default) or the OpenTracing names as they are. */
export type AttributeNaming = 'semconv' | 'opentracing';

/** OTLP `Span.SpanKind` values. */
export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
/** OTLP `Status.StatusCode` values. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

const KIND_BY_TAG: Record<string, number> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/** OpenTracing tag -> stable OpenTelemetry attribute. Tags not listed keep their name. */
export const SEMCONV_NAMES: Readonly<Record<string, string>> = {
  'http.method': 'http.request.method',
  'http.url': 'url.full',
  'http.status_code': 'http.response.status_code',
  'peer.hostname': 'server.address',
  'peer.port': 'server.port',
  'peer.ipv4': 'network.peer.address',
  'peer.ipv6': 'network.peer.address',
  'db.type': 'db.system.name',
  'db.statement': 'db.query.text',
  'db.instance': 'db.namespace',
};

/** `db.type` values Spanwise writes that are not OpenTelemetry `db.system.name` values. */
const DB_SYSTEM_BY_COMPONENT: Record<string, string> = { mysql2: 'mysql' };

/** Tags that become span fields (kind, status, scope) rather than attributes. */
const FIELD_TAGS = new Set(['span.kind', 'error']);

/** `component` tag -> the Spanwise package that made the span (its instrumentation scope). */
const PACKAGE_BY_COMPONENT: Record<string, string> = {
  http: '@spanwise/trace-http',
  https: '@spanwise/trace-http',
  fetch: '@spanwise/trace-http',
  express: '@spanwise/trace-express',
  koa: '@spanwise/trace-koa',
  fastify: '@spanwise/trace-fastify',
  mysql2: '@spanwise/trace-mysql2',
  ioredis: '@spanwise/trace-ioredis',
  '@elastic/elasticsearch': '@spanwise/trace-elasticsearch',
};

/** Scope of spans without a known `component` (hand-written OpenTracing spans). */
export const CORE_SCOPE = '@spanwise/trace-core';

/** Version of the Spanwise packages (released together, one version). */
export const SPANWISE_VERSION: string = readOwnVersion();

function readOwnVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '';
  } catch {
    return '';
  }
}

/** The instrumentation scope name of a span: the Spanwise package named by its `component` tag. */
export function scopeOf(tags: JaegerKeyValue[]): string {
  for (let i = 0; i < tags.length; i++) {
    if (tags[i].key === 'component') return PACKAGE_BY_COMPONENT[String(tags[i].value)] ?? CORE_SCOPE;
  }
  return CORE_SCOPE;
}

/** SpanKind from the `span.kind` tag (INTERNAL when absent or unknown). */
export function kindOf(tags: JaegerKeyValue[]): number {
  for (let i = 0; i < tags.length; i++) {
    if (tags[i].key === 'span.kind') return KIND_BY_TAG[String(tags[i].value)] ?? SpanKind.INTERNAL;
  }
  return SpanKind.INTERNAL;
}

/** Whether the span carries `error=true` (boolean or the string 'true'). */
export function hasError(tags: JaegerKeyValue[]): boolean {
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i];
    if (t.key === 'error') return t.value === true || t.value === 'true';
  }
  return false;
}

/** The message of the span's first `event=error` log (the status message of an ERROR span). */
export function errorMessage(logs: JaegerLog[]): string {
  for (let i = 0; i < logs.length; i++) {
    const fields = logs[i].fields;
    if (!isErrorLog(fields)) continue;
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j];
      if (f.key === 'message' || f.key === 'error.message') return String(f.value);
    }
  }
  return '';
}

export function isErrorLog(fields: JaegerKeyValue[]): boolean {
  for (let i = 0; i < fields.length; i++) if (fields[i].key === 'event') return fields[i].value === 'error';
  return false;
}

/** Event name of a log: `exception` for error logs, else its `event` field, else `log`. */
export function eventNameOf(fields: JaegerKeyValue[]): string {
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (f.key === 'event') return f.value === 'error' ? 'exception' : String(f.value);
  }
  return 'log';
}

const EXCEPTION_FIELDS: Record<string, string> = {
  'error.kind': 'exception.type',
  message: 'exception.message',
  stack: 'exception.stacktrace',
};

/** Attribute name of a log field (null: not written). `event` is the event's name; error logs use `exception.*`. */
export function eventAttributeKey(key: string, exception: boolean): string | null {
  if (key === 'event') return null;
  if (!exception) return key;
  if (key === 'error.object') return null; // String(error): type and message again
  return EXCEPTION_FIELDS[key] ?? key;
}

/**
 * Attribute name of a span tag (null: not written, the tag became a span field or the scope).
 * `component` is the scope under semantic conventions and kept as a tag under OpenTracing naming.
 */
export function attributeKey(key: string, naming: AttributeNaming): string | null {
  if (FIELD_TAGS.has(key)) return null;
  if (naming === 'opentracing') return key;
  if (key === 'component') return null;
  return SEMCONV_NAMES[key] ?? key;
}

/** Value of a tag after renaming: OpenTracing `db.type` values that are not `db.system.name` values. */
export function attributeValue(key: string, value: unknown, tags: JaegerKeyValue[], naming: AttributeNaming): unknown {
  if (naming === 'semconv' && key === 'db.type' && value === 'sql') {
    for (let i = 0; i < tags.length; i++) {
      if (tags[i].key === 'component') return DB_SYSTEM_BY_COMPONENT[String(tags[i].value)] ?? value;
    }
  }
  return value;
}

/** Whether a reference is written as a link (anything but the CHILD_OF reference to the parent). */
export function isLink(refType: string, refSpanId: Buffer | null | undefined, parentId: Buffer | null | undefined): boolean {
  if (refType !== 'child_of') return true;
  return !(refSpanId && parentId && refSpanId.equals(parentId));
}

/** Jaeger process tag -> OpenTelemetry resource attribute (not listed: kept as is). */
const RESOURCE_NAMES: Record<string, string | null> = {
  hostname: 'host.name',
  ip: 'host.ip',
  'client-uuid': 'service.instance.id',
  'jaeger.version': null,
};

export interface ResourceOptions {
  /** `service.version` (default: none). */
  serviceVersion?: string;
  /** Extra attributes (`OTEL_RESOURCE_ATTRIBUTES`); jaeger process tags and the defaults below win over none of these but `service.name`. */
  attributes?: Record<string, string | number | boolean>;
}

/**
 * Resource attributes of the service: `service.name`, `service.version`, `host.name`, `process.pid`,
 * `process.runtime.*`, `telemetry.sdk.*`, the jaeger process tags (renamed), then `attributes`
 * (OTEL_RESOURCE_ATTRIBUTES; it cannot override `service.name`, which the configuration resolved already).
 */
export function resourceAttributes(serviceName: string, processTags: JaegerKeyValue[], options: ResourceOptions = {}): JaegerKeyValue[] {
  const out = new Map<string, unknown>();
  out.set('service.name', serviceName);
  if (options.serviceVersion) out.set('service.version', options.serviceVersion);
  out.set('process.pid', process.pid);
  out.set('process.runtime.name', 'nodejs');
  out.set('process.runtime.version', process.versions.node);
  out.set('telemetry.sdk.name', 'spanwise');
  out.set('telemetry.sdk.language', 'nodejs');
  out.set('telemetry.sdk.version', SPANWISE_VERSION);
  for (const tag of processTags) {
    const name = tag.key in RESOURCE_NAMES ? RESOURCE_NAMES[tag.key] : tag.key;
    if (name !== null && name !== 'service.name') out.set(name, tag.value);
  }
  for (const [key, value] of Object.entries(options.attributes ?? {})) {
    if (key !== 'service.name') out.set(key, value);
  }
  return [...out].map(([key, value]) => ({ key, value }));
}
