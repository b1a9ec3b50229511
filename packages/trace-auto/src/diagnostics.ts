import * as path from 'path';
import { log, warnOnce } from '@spanwise/trace-core';
import { packageVersion } from './esm';
import type { InstrumentationStatus } from './types';

/**
 * Startup diagnostics, each said once: libraries loaded before instrumentation started, other tracing
 * agents in the process, and (at debug level) what was patched at which version.
 */

/** Where a package's files are in require.cache: `basedir` per loaded copy. */
export function loadedCopies(name: string): string[] {
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  const copies = new Set<string>();
  for (const filename of Object.keys(require.cache)) {
    const at = filename.lastIndexOf(marker);
    if (at !== -1) copies.add(filename.slice(0, at + marker.length - 1));
  }
  return [...copies];
}

/** Warn once per package that the app loaded before Spanwise patched it. */
export function warnLoadedBefore(modules: string[]): void {
  for (const name of modules) {
    for (const basedir of loadedCopies(name)) {
      const version = packageVersion(basedir);
      warnOnce(
        `loaded-before:${basedir}`,
        `${name}${version ? '@' + version : ''} (${basedir}) was loaded before Spanwise's auto-instrumentation started. ` +
          'Its loaded copy is patched now, but anything the app took from it before (functions destructured from it, ' +
          'apps or clients already created) may escape tracing. Load Spanwise first: node -r @spanwise/trace-auto/register app.js ' +
          '(or require it on the first line of the app).',
      );
    }
  }
}

/** Packages of other tracing agents, and the globals some of them set when started. */
const OTHER_AGENT_PACKAGES = ['dd-trace', '@opentelemetry/instrumentation', 'elastic-apm-node', 'newrelic'];
const OTHER_AGENT_GLOBALS: Array<[string, (g: Record<string | symbol, unknown>) => boolean]> = [
  ['dd-trace', (g) => g._ddtrace !== undefined],
  ['elastic-apm-node', (g) => g[Symbol.for('ElasticAPMAgentInitialized')] === true],
];

export function otherAgents(): string[] {
  const found = new Set<string>();
  for (const name of OTHER_AGENT_PACKAGES) if (loadedCopies(name).length > 0) found.add(name);
  const g = globalThis as unknown as Record<string | symbol, unknown>;
  for (const [name, present] of OTHER_AGENT_GLOBALS) if (present(g)) found.add(name);
  return [...found];
}

export function warnAboutOtherAgents(): void {
  for (const agent of otherAgents()) {
    warnOnce(
      `other-agent:${agent}`,
      `another tracing agent is loaded in this process (${agent}). Two agents patch the same libraries: spans may be ` +
        'duplicated or lost, and each adds its own overhead. Use one of them (SPANWISE_DISABLED=true turns Spanwise off).',
    );
  }
}

let lastSummary = '';

/** At debug level: what each instrumentation patched so far, said again only when it changed. */
export function logSummary(statuses: InstrumentationStatus[]): void {
  if (!log.isDebugEnabled()) return;
  const lines = statuses.map(describe);
  const summary = lines.join('\n');
  if (summary === lastSummary) return;
  lastSummary = summary;
  for (const line of lines) log.debug(line);
}

function describe(status: InstrumentationStatus): string {
  if (!status.enabled) return `auto-instrumentation ${status.name}: off (${status.reason})`;
  const patched = status.patched.length > 0 ? `patched ${status.patched.join(', ')}` : 'enabled, not loaded by the app (yet)';
  return `auto-instrumentation ${status.name}: ${patched} [${status.adapter}]`;
}
