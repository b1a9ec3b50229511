import { ConfigurationError, init, log, reportFault } from '@spanwise/trace-core';
import { selectInstrumentations, settingsFromEnv, validateOptions, withEnvironmentDefaults } from './config';
import { logSummary, warnAboutOtherAgents, warnLoadedBefore } from './diagnostics';
import { packageVersion, registerEsmHooks, requireLoadedCopy, unregisterEsmHooks } from './esm';
import { REGISTRY, type Adapter, type EnableContext, type RegistryEntry } from './registry';
import type { AutoInstrumentOptions, InstrumentationName, InstrumentationStatus } from './types';

interface Enabled {
  entry: RegistryEntry;
  adapter: Adapter | undefined;
  /** ESM namespaces patched through the entry's ESM patch, to restore on disable. */
  esmNamespaces: Record<string, unknown>[];
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
  const context: EnableContext = { all: options, onListening: () => logSummary(instrumentationStatus()) };
  for (const [name, reason] of selectInstrumentations(options, settings)) {
    const entry = REGISTRY.find((e) => e.name === name)!;
    if (reason !== undefined) {
      disableEntry(name);
      statuses.set(name, { name, enabled: false, reason, adapter: entry.adapter });
      continue;
    }
    statuses.set(name, enableEntry(entry, options[name] || {}, context));
  }
  scheduleStartupChecks();
  return instrumentationStatus();
}

function enableEntry(entry: RegistryEntry, options: object, context: EnableContext): Omit<InstrumentationStatus, 'patched'> {
  const base = { name: entry.name, adapter: entry.adapter };
  const adapter = loadAdapter(entry);
  if (adapter === undefined && !entry.adapterOptional) {
    disableEntry(entry.name);
    log.debug(`auto-instrumentation ${entry.name}: ${entry.adapter} is not installed, skipped`);
    return { ...base, enabled: false, reason: `${entry.adapter} is not installed` };
  }
  warnLoadedBefore(entry.modules.filter((m) => m !== 'http' && m !== 'https'));
  try {
    entry.enable(adapter, options, context);
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    reportFault(`enabling the ${entry.name} instrumentation`, error);
    return { ...base, enabled: false, reason: `failed to enable: ${(error as Error)?.message ?? error}` };
  }
  if (!enabled.has(entry.name)) enabled.set(entry.name, { entry, adapter, esmNamespaces: [], esmVersions: new Set() });
  return { ...base, enabled: true };
}

function loadAdapter(entry: RegistryEntry): Adapter | undefined {
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
  try {
    for (const namespace of current.esmNamespaces) current.entry.esm?.unpatch(current.adapter!, namespace);
    current.entry.disable(current.adapter);
  } catch (error) {
    reportFault(`disabling the ${name} instrumentation`, error);
  }
}

/** Remove every patch `instrument()` installed: libraries behave as without Spanwise (spans already started still end). */
export function uninstrument(): void {
  for (const name of [...enabled.keys()]) disableEntry(name);
  unregisterEsmHooks();
}

/** What each library's instrumentation is doing: enabled or why not, and the versions patched so far. */
export function instrumentationStatus(): InstrumentationStatus[] {
  return REGISTRY.filter((entry) => statuses.has(entry.name)).map((entry) => {
    const status = statuses.get(entry.name)!;
    const current = enabled.get(entry.name);
    const patched = current ? [...safePatched(current), ...current.esmVersions] : [];
    return { ...status, patched };
  });
}

function safePatched(current: Enabled): string[] {
  try {
    return current.entry.patched(current.adapter);
  } catch (error) {
    reportFault(`listing the ${current.entry.name} patches`, error);
    return [];
  }
}

/** Packages the ESM loader hook must watch: those of the enabled entries that are imported as packages. */
export function esmModules(): string[] {
  const modules = new Set<string>();
  for (const { entry } of enabled.values()) if (entry.esmImports !== false) for (const m of entry.modules) modules.add(m);
  return [...modules];
}

/** Register the ESM loader hook for the enabled libraries (register.mjs, before the app's imports are loaded). */
export function instrumentEsm(): boolean {
  return registerEsmHooks(esmModules(), onImport);
}

function onImport(namespace: Record<string, unknown>, name: string, baseDir: string | undefined, format: string | undefined): void {
  if (baseDir) requireLoadedCopy(baseDir);
  if (format === 'commonjs') return;
  for (const current of enabled.values()) {
    const esm = current.entry.esm;
    if (!esm || esm.module !== name || current.adapter === undefined || current.esmNamespaces.includes(namespace)) continue;
    esm.patch(current.adapter, namespace);
    current.esmNamespaces.push(namespace);
    current.esmVersions.add(`${name}@${packageVersion(baseDir)} (ESM)`);
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
