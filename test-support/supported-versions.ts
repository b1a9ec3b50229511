import { supportedLibraries, type TracingInstrumentation } from '@spanwise/trace-core';

/**
 * The table of supported library versions in docs/supported-versions.md, made from the instrumentation definitions
 * (the single source of every range): one row per package and library.
 */
export function supportedVersionsTable(instrumentations: readonly TracingInstrumentation[]): string {
  const rows = ['| package | library | versions |', '|---|---|---|'];
  for (const instrumentation of instrumentations) {
    for (const [library, range] of Object.entries(supportedLibraries(instrumentation))) rows.push(`| \`${instrumentation.packageName}\` | \`${library}\` | \`${range}\` |`);
  }
  return rows.join('\n') + '\n';
}
