import { checkOptionKeys, ConfigurationError, optionKeys } from '@spanwise/trace-core';
import { INSTRUMENTATION_NAMES, type AutoInstrumentOptions, type HttpAutoOptions, type AutoSettings, type InstrumentationName } from './types';

type Env = Record<string, string | undefined>;

const ACCEPTED = `a comma list of ${INSTRUMENTATION_NAMES.join(', ')}`;

export function isInstrumentationName(value: unknown): value is InstrumentationName {
  return typeof value === 'string' && (INSTRUMENTATION_NAMES as readonly string[]).includes(value);
}

/** `SPANWISE_*` settings of auto-instrumentation; a bad value throws a ConfigurationError naming the variable. */
export function settingsFromEnv(env: Env = process.env): AutoSettings {
  return {
    disabled: parseBoolean(env, 'SPANWISE_DISABLED', false),
    enabled: parseNameList(env, 'SPANWISE_ENABLED_INSTRUMENTATIONS'),
    disabledInstrumentations: parseNameList(env, 'SPANWISE_DISABLED_INSTRUMENTATIONS'),
    ignoreIncoming: parseList(env, 'SPANWISE_IGNORE_INCOMING_PATHS', parseIncomingPath),
    ignoreOutgoing: parseList(env, 'SPANWISE_IGNORE_OUTGOING_URLS', parseOutgoingUrl),
    headersAsTags: parseList(env, 'SPANWISE_HEADERS_AS_TAGS', parseHeaderName),
  };
}

/** A comma list, each entry parsed (undefined: invalid, which throws naming the variable); unset or empty: undefined. */
function parseList<T>(env: Env, variable: string, parse: (entry: string) => T | undefined): T[] | undefined {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const parsed = parse(entry);
    if (parsed === undefined) throw new ConfigurationError(variable, LIST_FORMATS[variable], raw);
    return parsed;
  });
}

const LIST_FORMATS: Record<string, string> = {
  SPANWISE_IGNORE_INCOMING_PATHS: 'a comma list of paths starting with "/" (exact, or globs with * and **)',
  SPANWISE_IGNORE_OUTGOING_URLS: 'a comma list of hosts, host:port, URL prefixes (http://...) or URL globs with *',
  SPANWISE_HEADERS_AS_TAGS: 'a comma list of header names',
};

/**
 * A glob as a pattern anchored on both ends: `**` any characters, `*` any characters but `stop`
 * (`/` for paths, so `/internal/*` does not reach `/internal/a/b`).
 */
export function globToRegExp(glob: string, stop: string): RegExp {
  const other = stop ? `[^${stop}]*` : '.*';
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (glob[i] === '*') source += other;
    else source += glob[i].replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function parseIncomingPath(entry: string): string | RegExp | undefined {
  if (!entry.startsWith('/') || /\s/.test(entry)) return undefined;
  return entry.includes('*') ? globToRegExp(entry, '/') : entry;
}

function parseOutgoingUrl(entry: string): string | RegExp | undefined {
  if (/\s/.test(entry)) return undefined;
  if (entry.includes('*')) return globToRegExp(entry, '');
  if (entry.includes('://')) {
    try {
      new URL(entry);
    } catch {
      return undefined;
    }
  }
  return entry;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

function parseHeaderName(entry: string): string | undefined {
  return HEADER_NAME.test(entry) ? entry.toLowerCase() : undefined;
}

/**
 * The options with the environment's ignore rules and header tags filled in where the code sets none
 * (code wins for each setting). Framework server spans default to the http server options, so they get them too.
 */
export function withEnvironmentDefaults(options: AutoInstrumentOptions, settings: AutoSettings): AutoInstrumentOptions {
  if (!settings.ignoreIncoming && !settings.ignoreOutgoing && !settings.headersAsTags) return options;
  if (options.http === false) return options;
  const http = options.http ?? {};
  const server = http.server === false ? false : { ...(http.server ?? {}) };
  if (server) {
    if (server.ignore === undefined && settings.ignoreIncoming) server.ignore = settings.ignoreIncoming;
    if (server.headersAsTags === undefined && settings.headersAsTags) server.headersAsTags = settings.headersAsTags;
  }
  const client = http.client === false ? false : { ...(http.client ?? {}) };
  if (client && client.ignore === undefined && settings.ignoreOutgoing) client.ignore = settings.ignoreOutgoing;
  return { ...options, http: { ...http, server, client } };
}

function parseBoolean(env: Env, variable: string, fallback: boolean): boolean {
  const value = env[variable]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigurationError(variable, 'true or false', env[variable]);
}

function parseNameList(env: Env, variable: string): InstrumentationName[] | undefined {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return undefined;
  const names = raw.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  for (const name of names) if (!isInstrumentationName(name)) throw new ConfigurationError(variable, ACCEPTED, raw);
  return names as InstrumentationName[];
}

function validateNameList(list: unknown, setting: string): InstrumentationName[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || !list.every(isInstrumentationName)) throw new ConfigurationError(setting, `an array of ${INSTRUMENTATION_NAMES.join(', ')}`, list);
  return list;
}

const OPTION_KEYS = optionKeys<AutoInstrumentOptions>({
  http: true,
  express: true,
  koa: true,
  fastify: true,
  mysql2: true,
  ioredis: true,
  elasticsearch: true,
  pino: true,
  winston: true,
  bunyan: true,
  enabled: true,
  disabled: true,
  tracing: true,
});
const HTTP_OPTION_KEYS = optionKeys<HttpAutoOptions>({ client: true, server: true });

/** Unknown option keys and non-object library options fail at startup, naming the option. */
export function validateOptions(options: AutoInstrumentOptions): void {
  if (options === null || typeof options !== 'object') throw new ConfigurationError('instrument() options', 'an object', options);
  checkOptionKeys(options, OPTION_KEYS, 'instrument()');
  for (const name of INSTRUMENTATION_NAMES) {
    const value = options[name];
    if (value !== undefined && value !== false && (value === null || typeof value !== 'object')) {
      throw new ConfigurationError(`instrument() option "${name}"`, 'an options object or false', value);
    }
  }
  if (options.http) checkOptionKeys(options.http, HTTP_OPTION_KEYS, 'instrument() http');
  validateNameList(options.enabled, 'instrument() option "enabled"');
  validateNameList(options.disabled, 'instrument() option "disabled"');
}

/**
 * Which libraries to instrument, and why the others are not. Code options win over the environment;
 * `false` for a library always turns it off.
 */
export function selectInstrumentations(options: AutoInstrumentOptions, settings: AutoSettings): Map<InstrumentationName, string | undefined> {
  const enabled = options.enabled ?? settings.enabled;
  const disabled = options.disabled ?? settings.disabledInstrumentations ?? [];
  const enabledFrom = options.enabled ? 'the "enabled" option' : 'SPANWISE_ENABLED_INSTRUMENTATIONS';
  const disabledFrom = options.disabled ? 'the "disabled" option' : 'SPANWISE_DISABLED_INSTRUMENTATIONS';
  const selection = new Map<InstrumentationName, string | undefined>();
  for (const name of INSTRUMENTATION_NAMES) {
    let reason: string | undefined;
    if (options[name] === false) reason = `option ${name}: false`;
    else if (enabled && !enabled.includes(name)) reason = `not in ${enabledFrom}`;
    else if (disabled.includes(name)) reason = `listed in ${disabledFrom}`;
    selection.set(name, reason);
  }
  return selection;
}
