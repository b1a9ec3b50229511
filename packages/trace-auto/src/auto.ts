import { isBuiltin } from 'module';
import { ConfigurationError, init, log, onServerListening, reportFault, type TracingInstrumentation } from '@spanwise/trace-core';
import { selectInstrumentations, settingsFromEnv, validateOptions, withEnvironmentDefaults } from './config';
import { logSummary, warnAboutOtherAgents, warnLoadedBefore } from './diagnostics';
import { packageVersion, registerEsmHooks, requireLoadedCopy, unregisterEsmHooks } from './esm';
import { REGISTRY, type RegistryEntry } from './registry';
import type { AutoInstrumentOptions, InstrumentationName, InstrumentationStatus } from './types';

interface Enabled {
  entry: RegistryEntry;
  instrumentations: readonly TracingInstrumentation[];
  /** ESM-only copies patched (their namespaces are restored by the instrumentation's `unpatch()`). */
  esmVersions: Set<string>;
}

const enabled = new Map<InstrumentationName, Enabled>();
const statuses = new Map<InstrumentationName, Omit<InstrumentationStatus, 'patched'>>();

/**
 * Trace every library Spanwise knows that is installed, with no other change to the app: patches are installed
 * now for libraries already loaded and as the app loads the others. Reads `SPANWISE_DISABLED`,
 * `SPANWISE_ENABLED_INSTRUMENTATIONS` and `SPANWISE_DISABLED_INSTRUMENTATIONS`; options given here win.
 * Calling it again applies the new options. A bad option or variable throws a ConfigurationError naming it.
 */
export function instrument(codeOptions: AutoInstrumentOptions = {}): InstrumentationStatus[] {
  validateOptions(codeOptions);
  const settings = settingsFromEnv();
  const options = withEnvironmentDefaults(codeOptions, settings);
  if (options.tracing) init(options.tracing);
  if (settings.disabled) {
    uninstrument();
    for (const entry of REGISTRY) statuses.set(entry.name, { name: entry.name, enabled: false, reason: 'SPANWISE_DISABLED=true', adapter: entry.adapter });
    log.debug('SPANWISE_DISABLED=true: nothing is instrumented');
    return instrumentationStatus();
  }
  warnAboutOtherAgents();
  onServerListening(logStatus);
  const selection = selectInstrumentations(options, settings);
  for (const entry of REGISTRY) {
    const name = entry.name;
    const reason = selection.get(name);
    if (reason !== undefined) {
      disableEntry(name);
      statuses.set(name, { name, enabled: false, reason, adapter: entry.adapter });
      continue;
    }
    statuses.set(name, enableEntry(entry, options[name] || {}, options));
  }
  scheduleStartupChecks();
  return instrumentationStatus();
}

function logStatus(): void {
  logSummary(instrumentationStatus());
}

function enableEntry(entry: RegistryEntry, own: object, all: AutoInstrumentOptions): Omit<InstrumentationStatus, 'patched'> {
  const base = { name: entry.name, adapter: entry.adapter };
  const instrumentations = loadInstrumentations(entry);
  if (instrumentations === undefined) {
    disableEntry(entry.name);
    log.debug(`auto-instrumentation ${entry.name}: ${entry.adapter} is not installed, skipped`);
    return { ...base, enabled: false, reason: `${entry.adapter} is not installed` };
  }
  warnLoadedBefore(modulesOf(instrumentations));
  const options = entry.options?.(own, all) ?? instrumentations.map(() => own);
  try {
    instrumentations.forEach((instrumentation, i) => (options[i] === false ? instrumentation.unpatch() : instrumentation.patch(options[i] as object)));
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    reportFault(`enabling the ${entry.name} instrumentation`, error);
    return { ...base, enabled: false, reason: `failed to enable: ${(error as Error)?.message ?? error}` };
  }
  if (!enabled.has(entry.name)) enabled.set(entry.name, { entry, instrumentations, esmVersions: new Set() });
  return { ...base, enabled: true };
}

/** The packages an instrumentation hooks (builtins aside): for the loaded-too-early check and the ESM hooks. */
function modulesOf(instrumentations: readonly TracingInstrumentation[]): string[] {
  const modules = new Set<string>();
  for (const instrumentation of instrumentations) for (const hook of instrumentation.hooks) if (!isBuiltin(hook.module)) modules.add(hook.module);
  return [...modules];
}

function loadInstrumentations(entry: RegistryEntry): readonly TracingInstrumentation[] | undefined {
  try {
    return entry.load();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${entry.adapter}'`);
    if (!missing) reportFault(`loading ${entry.adapter}`, error);
    return undefined;
  }
}

function disableEntry(name: InstrumentationName): void {
  const current = enabled.get(name);
  if (!current) return;
  enabled.delete(name);
  for (const instrumentation of current.instrumentations) {
    try {
      instrumentation.unpatch();
    } catch (error) {
      reportFault(`disabling the ${name} instrumentation`, error);
    }
  }
}

/** Remove every patch `instrument()` installed: libraries behave as without Spanwise (spans already started still end). */
export function uninstrument(): void {
  for (const name of [...enabled.keys()]) disableEntry(name);
  onServerListening(undefined);
  unregisterEsmHooks();
}

/** What each library's instrumentation is doing: enabled or why not, and the versions patched so far. */
export function instrumentationStatus(): InstrumentationStatus[] {
  return REGISTRY.flatMap((entry) => {
    const status = statuses.get(entry.name);
    if (status === undefined) return [];
    const current = enabled.get(entry.name);
    // An ESM copy is listed once, as such (its patch is also among the instrumentation's versions).
    const patched = current ? [...safePatched(current).filter((version) => !current.esmVersions.has(`${version} (ESM)`)), ...current.esmVersions] : [];
    return [{ ...status, patched }];
  });
}

function safePatched(current: Enabled): string[] {
  try {
    return current.instrumentations.flatMap((instrumentation) => instrumentation.patchedVersions());
  } catch (error) {
    reportFault(`listing the ${current.entry.name} patches`, error);
    return [];
  }
}

/** Packages the ESM loader hook must watch: those of the enabled entries that are imported as packages. */
export function esmModules(): string[] {
  const modules = new Set<string>();
  for (const { entry, instrumentations } of enabled.values()) if (entry.esmImports !== false) for (const m of modulesOf(instrumentations)) modules.add(m);
  return [...modules];
}

/** Register the ESM loader hook for the enabled libraries (register.mjs, before the app's imports are loaded). */
export function instrumentEsm(): boolean {
  return registerEsmHooks(esmModules(), onImport);
}

/** An ESM-only copy (@elastic/transport 9's `esm/`) is patched from its namespace, by the definitions hooking its main export. */
function onImport(namespace: Record<string, unknown>, name: string, baseDir: string | undefined, format: string | undefined): void {
  if (baseDir) requireLoadedCopy(baseDir);
  if (format === 'commonjs') return;
  const version = packageVersion(baseDir);
  for (const current of enabled.values()) {
    for (const instrumentation of current.instrumentations) {
      if (instrumentation.patchExports(namespace, { name, basedir: baseDir ?? '', version })) current.esmVersions.add(`${name}@${version} (ESM)`);
    }
  }
}

let checksScheduled = false;

/** After the app's main module has run: agents it loaded itself, and (debug) what got patched. */
function scheduleStartupChecks(): void {
  if (checksScheduled) return;
  checksScheduled = true;
  setImmediate(() => {
    checksScheduled = false;
    warnAboutOtherAgents();
    logSummary(instrumentationStatus());
  }).unref();
}
