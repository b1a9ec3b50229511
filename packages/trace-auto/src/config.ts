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
  };
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
